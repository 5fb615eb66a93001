import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { issuerOf, type SimContext } from '../context.js';
import type { Person } from '../directory/people.js';
import { seedPeople } from '../seed/directory.js';

/** The parameters of an authorization request (OIDC Core 1.0, 3.1.2.1) that the simulator acts on. */
const authorizeParams = z.object({
  client_id: z.string().min(1),
  redirect_uri: z.url({ protocol: /^https?$/ }),
  response_type: z.string(),
  scope: z.string(),
  state: z.string().min(1).optional(),
  nonce: z.string().optional(),
  code_challenge: z.string().optional(),
  code_challenge_method: z.string().optional(),
});
type AuthorizeParams = z.infer<typeof authorizeParams>;

/** The forwarded parameters a sign-in form posts back, besides the chosen login. */
const FORWARDED = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
] as const;

/** What a token request says about the client: `client_secret_basic`, `client_secret_post`, or a public client's id. */
function clientOf(req: Request): { clientId?: string; refusal?: { status: number; error: string; description: string } } {
  const body = req.body as Record<string, unknown>;
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic && typeof body.client_secret === 'string') {
    return {
      refusal: {
        status: 400,
        error: 'invalid_request',
        description:
          'Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.',
      },
    };
  }
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return { refusal: { status: 401, error: 'invalid_client', description: 'Client authentication failed.' } };
    return { clientId: decodeURIComponent(decoded.slice(0, colon)) };
  }
  if (typeof body.client_id === 'string' && body.client_id !== '') return { clientId: body.client_id };
  return { refusal: { status: 401, error: 'invalid_client', description: 'No client credentials found.' } };
}

/**
 * The authorization code flow with PKCE of Okta's `default` authorization server: `/v1/authorize`
 * (a sign-in page offering the demo people, since the simulator has no passwords) and `/v1/token`.
 * Mounted with the discovery document at `/oauth2/default`. Any client id is accepted, as Okta
 * accepts a registered one; PKCE (S256) is always required, as Okta requires of public clients.
 */
export function signInRouter(ctx: SimContext): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false }));

  const authorize = (req: Request, res: Response, login?: string) => {
    const source = (req.method === 'POST' ? req.body : req.query) as Record<string, unknown>;
    const parsed = authorizeParams.safeParse(source);
    // Without a client and a redirect URI there is nowhere to send an error: Okta shows it on a page of its own.
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
      return res
        .status(400)
        .type('html')
        .send(page('Sign-in error', `<p role="alert">The request is missing or has an invalid ${escape(fields)}.</p>`));
    }
    const params = parsed.data;
    const problem = authorizeProblem(params);
    if (problem)
      return redirect(res, params.redirect_uri, { error: problem.error, error_description: problem.description, state: params.state });
    if (login === undefined) return res.type('html').send(signInPage(params));
    const user = ctx.okta.findUser(login);
    const person = user?.person;
    if (!person || user.account.status !== 'ACTIVE') {
      return res
        .status(400)
        .type('html')
        .send(signInPage(params, `No active user with the login ${login}.`));
    }
    const code = ctx.authorizationCodes.issue({
      clientId: params.client_id,
      redirectUri: params.redirect_uri,
      login: person.login,
      scopes: params.scope.split(' ').filter(Boolean),
      nonce: params.nonce,
      codeChallenge: params.code_challenge!,
    });
    return redirect(res, params.redirect_uri, { code, state: params.state });
  };

  router.get('/v1/authorize', (req, res) => authorize(req, res));
  router.post('/v1/authorize', (req, res) => {
    // A demo person's button sends `login`; the free-entry field sends `other_login` (so the two never collide).
    const body = req.body as Record<string, unknown>;
    const login = typeof body.login === 'string' && body.login !== '' ? body.login : body.other_login;
    authorize(req, res, typeof login === 'string' ? login : '');
  });

  router.post('/v1/token', async (req, res) => {
    // RFC 6749, 5.1: token responses must not be cached.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    const body = req.body as Record<string, unknown>;
    const client = clientOf(req);
    if (client.refusal)
      return res.status(client.refusal.status).json({ error: client.refusal.error, error_description: client.refusal.description });
    if (body.grant_type !== 'authorization_code') {
      return res.status(400).json({
        error: 'unsupported_grant_type',
        error_description: `The authorization grant type is not supported by the authorization server. Configured grant types: [authorization_code].`,
      });
    }
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    if (!text('code') || !text('redirect_uri') || !text('code_verifier')) {
      return res
        .status(400)
        .json({ error: 'invalid_request', error_description: "The 'code', 'redirect_uri' and 'code_verifier' parameters are required." });
    }
    const grant = ctx.authorizationCodes.exchange(text('code'), {
      clientId: client.clientId!,
      redirectUri: text('redirect_uri'),
      codeVerifier: text('code_verifier'),
    });
    if ('error' in grant) return res.status(400).json({ error: grant.error, error_description: grant.description });
    const user = ctx.okta.findUser(grant.login)?.person as Person;
    const issuer = issuerOf(ctx);
    const access = await ctx.oidc.mint(issuer, { sub: grant.login, user, scopes: grant.scopes });
    const idToken = await ctx.oidc.mintIdToken(issuer, { clientId: grant.clientId, user, nonce: grant.nonce, scopes: grant.scopes });
    return res.json({ ...access, id_token: idToken });
  });
  return router;
}

/** What is wrong with an authorization request that has a client and a redirect URI, as Okta names it. */
function authorizeProblem(params: AuthorizeParams): { error: string; description: string } | undefined {
  if (params.response_type !== 'code') {
    return {
      error: 'unsupported_response_type',
      description: `The response type is not supported by the authorization server. Configured response types: [code].`,
    };
  }
  if (!params.scope.split(' ').includes('openid'))
    return { error: 'invalid_scope', description: "The authentication request has an invalid 'scope' parameter: 'openid' is required." };
  if (!params.state) return { error: 'invalid_request', description: "The authentication request has an invalid 'state' parameter." };
  if (!params.code_challenge)
    return {
      error: 'invalid_request',
      description: 'PKCE code challenge is required when the token endpoint authentication method is NONE.',
    };
  if (params.code_challenge_method !== 'S256')
    return { error: 'invalid_request', description: "PKCE code challenge method is not supported. Supported method is 'S256'." };
  if (!/^[A-Za-z0-9_-]{43}$/.test(params.code_challenge))
    return { error: 'invalid_request', description: 'PKCE code challenge must be the base64url S256 hash of the code verifier.' };
  return undefined;
}

function redirect(res: Response, to: string, params: Record<string, string | undefined>): void {
  const url = new URL(to);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  res.redirect(302, url.toString());
}

/** The sign-in page: the simulator knows no passwords, so it offers to sign in as one of the demo people. */
function signInPage(params: AuthorizeParams, error?: string): string {
  const hidden = FORWARDED.map((name) =>
    params[name] !== undefined ? `<input type="hidden" name="${name}" value="${escape(params[name]!)}">` : '',
  ).join('');
  const buttons = Object.values(seedPeople)
    .map(
      (p) =>
        `<li><button type="submit" name="login" value="${escape(p.email)}">Sign in as ${escape(`${p.firstName} ${p.lastName}`)}</button> <span>${escape(p.title)}, ${escape(p.email)}</span></li>`,
    )
    .join('');
  return page(
    'Sign in',
    `${error ? `<p role="alert">${escape(error)}</p>` : ''}
<p>Simulated Okta, local mode only: pick who you are.</p>
<form method="post" action="authorize">${hidden}<ul>${buttons}</ul>
<p><label for="other_login">Or another login</label> <input id="other_login" name="other_login" type="email" autocomplete="username"> <button type="submit">Sign in</button></p></form>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} · vendor simulator</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
