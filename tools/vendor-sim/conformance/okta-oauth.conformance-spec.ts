import { createHash, randomBytes } from 'node:crypto';
import { seedPeople, startVendorSim, type VendorSim } from '../src/index.js';
import { send } from './support/http.js';
import { readSpec } from './support/spec-files.js';
import { SpecValidator } from './support/spec-validator.js';

/** The custom authorization server's operations in Okta's OAuth description (the simulator serves `default`). */
const TOKEN = '/oauth2/{authorizationServerId}/v1/token';
const AUTHORIZE = '/oauth2/{authorizationServerId}/v1/authorize';
const redirectUri = 'http://127.0.0.1:9/callback';
const clientId = 'conformance-client';

describe("simulated Okta authorization code flow against Okta's OAuth 2.0 description", () => {
  let sim: VendorSim;
  let spec: SpecValidator;

  beforeAll(async () => {
    sim = await startVendorSim();
    spec = new SpecValidator('okta-oauth', readSpec('okta-oauth.yaml'), 'openapi3');
  });
  afterAll(() => sim?.close());

  /** Signs alice in and returns a fresh code and its verifier. */
  async function code(): Promise<{ code: string; verifier: string }> {
    const verifier = randomBytes(32).toString('base64url');
    const form = {
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid profile email',
      state: 'state-1',
      nonce: 'nonce-1',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      login: seedPeople.alice.email,
    };
    const response = await fetch(`${sim.issuer}/v1/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('state-1');
    return { code: location.searchParams.get('code')!, verifier };
  }

  function expectDocumented(status: number, body: unknown): void {
    expect(spec.documentedStatuses(TOKEN, 'post')).toContain(String(status));
    const documented = spec.documentedResponse(TOKEN, 'post', status)!;
    expect({ source: documented.source, errors: spec.errors(documented.schemaPointer!, body) }).toEqual({
      source: documented.source,
      errors: [],
    });
  }

  it('documents the operations it serves', () => {
    expect(spec.methodsOf(AUTHORIZE)).toEqual(expect.arrayContaining(['get', 'post']));
    expect(spec.methodsOf(TOKEN)).toContain('post');
  });

  it('answers an authorization code exchange with a TokenResponseCustomAs', async () => {
    const { code: value, verifier } = await code();
    const response = await send(sim, 'POST', '/oauth2/default/v1/token', {
      form: { grant_type: 'authorization_code', code: value, redirect_uri: redirectUri, code_verifier: verifier, client_id: clientId },
    });

    expect(response.status).toBe(200);
    expectDocumented(200, response.json);
    expect(response.json).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), id_token: expect.any(String) });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    ['a spent or unknown code', { code: 'no-such-code' }, 'invalid_grant'],
    ['another grant type', { grant_type: 'password' }, 'unsupported_grant_type'],
    ['no code verifier', { code_verifier: '' }, 'invalid_request'],
  ])('answers %s with a documented OAuthError', async (_what, override, error) => {
    const { code: value, verifier } = await code();
    const form = {
      grant_type: 'authorization_code',
      code: value,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: clientId,
      ...override,
    };
    const response = await send(sim, 'POST', '/oauth2/default/v1/token', { form });

    expect(response.status).toBe(400);
    expectDocumented(400, response.json);
    expect(response.json).toMatchObject({ error });
  });

  it('answers a request without any client credentials with a documented 401', async () => {
    const response = await send(sim, 'POST', '/oauth2/default/v1/token', { form: { grant_type: 'authorization_code', code: 'x' } });

    expect(response.status).toBe(401);
    expectDocumented(401, response.json);
    expect(response.json).toMatchObject({ error: 'invalid_client' });
  });
});
