import type { HandWrittenPaths, OpenApiOperation } from '@jit/platform';

/** The web app's session cookie, and the CSRF token every state-changing call carries beside it. */
const securitySchemes = {
  webSession: {
    type: 'apiKey',
    in: 'cookie',
    name: 'jit-session',
    description:
      "The web app's HttpOnly, SameSite=Lax session cookie, set at sign-in (`__Host-jit-session` behind https). The IdP's access token stays in the server-side session; calls run with the signed-in person's own rights.",
  },
};

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const csrfHeader = {
  name: 'X-CSRF-Token',
  in: 'header' as const,
  required: true,
  description:
    "The session's CSRF token, from `GET /web/session` (synchroniser token pattern); without it a state-changing call is refused with 403",
  schema: { type: 'string' },
};
const tags = ['web app (session)'];

function operation(fields: OpenApiOperation): OpenApiOperation {
  return { ...fields, tags };
}

/**
 * The web app's backend-for-frontend routes (web.router.ts), which are Express middleware ahead of
 * the API's controllers: sign-in and sign-out, who is signed in, and the public APIs under `/web/api`.
 * None takes a bearer token or an API key; the API calls forwarded under `/web/api` are judged by the
 * services exactly as the same call with the person's own token would be.
 */
export const webAppPaths: HandWrittenPaths = {
  securitySchemes,
  paths: {
    '/auth/login': {
      get: operation({
        operationId: 'webSignIn',
        summary: 'Starts sign-in with the identity provider (authorization code with PKCE)',
        security: [],
        parameters: [
          {
            name: 'returnTo',
            in: 'query',
            required: false,
            description: 'A page of this app to come back to after sign-in (a path; anything else is ignored)',
            schema: { type: 'string' },
          },
        ],
        responses: { 302: { description: "To the IdP's authorization endpoint" }, 503: error('The IdP could not be reached') },
      }),
    },
    '/auth/callback': {
      get: operation({
        operationId: 'webSignInCallback',
        summary: 'Where the identity provider sends the browser back: checks state and nonce, and signs the person in',
        security: [],
        parameters: [
          { name: 'code', in: 'query', required: false, description: 'The authorization code', schema: { type: 'string' } },
          { name: 'state', in: 'query', required: false, description: 'The state sent at /auth/login', schema: { type: 'string' } },
        ],
        responses: {
          302: { description: 'Signed in (a new session id): to the page sign-in started from' },
          400: error('No sign-in is under way in this browser'),
          401: error('The IdP refused, or the state, nonce or e-mail did not check out'),
        },
      }),
    },
    '/auth/logout': {
      post: operation({
        operationId: 'webSignOut',
        summary: 'Signs out: the server-side session, and the token in it, are deleted',
        security: [{ webSession: [] }],
        parameters: [csrfHeader],
        responses: { 204: { description: 'Signed out' }, 403: error('Missing or wrong X-CSRF-Token') },
      }),
    },
    '/web/session': {
      get: operation({
        operationId: 'webSession',
        summary: 'Who is signed in, and the CSRF token for state-changing calls',
        security: [{ webSession: [] }],
        responses: {
          200: {
            description: 'The signed-in person',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['login', 'csrfToken'],
                  properties: { login: { type: 'string' }, name: { type: 'string' }, csrfToken: { type: 'string' } },
                },
                example: { login: 'alice@example.com', name: 'Alice Example', csrfToken: 'f3a9…' },
              },
            },
          },
          401: error("Nobody is signed in, or the IdP's token has expired"),
        },
      }),
    },
    '/web/api/{path}': Object.fromEntries(
      (['get', 'post'] as const).map((method) => [
        method,
        operation({
          operationId: method === 'get' ? 'webApiRead' : 'webApiWrite',
          summary: `${method.toUpperCase()} a public API as the signed-in person`,
          description:
            "`/web/api/v1/requests/…` is `GET|POST /v1/requests/…` of intake, `/web/api/v1/approvals/…` of approval and `/web/api/v1/audit/…` of audit, called with the person's IdP token: the same body, answer and refusals as that route (see its service's document). Any other path is 404.",
          security: [{ webSession: [] }],
          parameters: [
            { name: 'path', in: 'path', required: true, description: 'The public API path, from `v1/`', schema: { type: 'string' } },
            ...(method === 'post' ? [csrfHeader] : []),
          ],
          ...(method === 'post'
            ? { requestBody: { required: false, content: { 'application/json': { schema: { type: 'object' } } } } }
            : {}),
          responses: {
            200: { description: 'What the service answered (any of its statuses is passed on as it is)' },
            401: error("Nobody is signed in, or the IdP's token has expired"),
            403: error('Missing or wrong X-CSRF-Token (POST), or the service refused the person'),
            404: error('Not an API the web app calls'),
            502: error('The service did not answer'),
          },
        }),
      ]),
    ),
  },
};
