import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { seedPeople, startVendorSim, type VendorSim } from '../src/index.js';

const redirectUri = 'http://127.0.0.1:9/auth/callback';
const clientId = 'jit-access-web-test';

/** What the browser does on the sign-in page: posts the form back with the chosen person. */
async function signInAs(authorizationUrl: URL, login: string): Promise<Response> {
  const page = await fetch(authorizationUrl);
  expect(page.status).toBe(200);
  const form = new URLSearchParams(authorizationUrl.searchParams);
  form.set('login', login);
  return fetch(authorizationUrl.href.split('?')[0], {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
}

describe("simulated Okta's authorization code flow with PKCE", () => {
  let sim: VendorSim;
  let config: oidc.Configuration;

  beforeAll(async () => {
    sim = await startVendorSim();
    config = await oidc.discovery(new URL(sim.issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  });
  afterAll(() => sim.close());

  async function authorize(login: string, overrides: Record<string, string> = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const checks = { pkceCodeVerifier: verifier, expectedState: oidc.randomState(), expectedNonce: oidc.randomNonce() };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: checks.expectedState,
      nonce: checks.expectedNonce,
      ...overrides,
    });
    const answer = await signInAs(url, login);
    return { answer, callback: new URL(answer.headers.get('location') ?? redirectUri), checks };
  }

  it('signs alice in through openid-client: an ID token for the client and an access token the services accept', async () => {
    const { answer, callback, checks } = await authorize(seedPeople.alice.email);
    expect(answer.status).toBe(302);

    const tokens = await oidc.authorizationCodeGrant(config, callback, { ...checks, idTokenExpected: true });

    expect(tokens.claims()).toMatchObject({
      iss: sim.issuer,
      aud: clientId,
      sub: seedPeople.alice.oktaId,
      email: 'alice@example.com',
      email_verified: true,
    });
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(sim.jwksUri)), {
      issuer: sim.issuer,
      audience: sim.audience,
    });
    expect(payload).toMatchObject({ sub: 'alice@example.com', email: 'alice@example.com', email_verified: true });
  });

  it('offers the demo people on its sign-in page', async () => {
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
      state: 's',
    });
    const page = await (await fetch(url)).text();
    for (const name of ['Alice Anders', 'Bob Baker', 'Carol Chen', 'Dave Diaz']) expect(page).toContain(`Sign in as ${name}`);
  });

  it('refuses a code exchanged with another PKCE verifier, and the code is spent', async () => {
    const { callback, checks } = await authorize(seedPeople.bob.email);

    await expect(
      oidc.authorizationCodeGrant(config, callback, { ...checks, pkceCodeVerifier: oidc.randomPKCECodeVerifier() }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.authorizationCodeGrant(config, callback, checks)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a code exchanged by another client', async () => {
    const { callback, checks } = await authorize(seedPeople.bob.email);
    const other = await oidc.discovery(new URL(sim.issuer), 'another-client', undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });

    await expect(oidc.authorizationCodeGrant(other, callback, checks)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('sends an authorization request without PKCE back with invalid_request', async () => {
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid', state: 'abc' });
    const answer = await fetch(url, { redirect: 'manual' });

    const location = new URL(answer.headers.get('location')!);
    expect(answer.status).toBe(302);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('abc');
  });

  it('shows an error page, redirecting nowhere, when the redirect URI is missing', async () => {
    const answer = await fetch(`${sim.issuer}/v1/authorize?client_id=x&response_type=code&scope=openid`, { redirect: 'manual' });

    expect(answer.status).toBe(400);
    expect(answer.headers.get('location')).toBeNull();
    expect(await answer.text()).toContain('redirect_uri');
  });

  it('refuses to sign in someone the org does not have', async () => {
    const { answer } = await authorize('nobody@example.com');

    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('No active user with the login nobody@example.com');
  });
});
