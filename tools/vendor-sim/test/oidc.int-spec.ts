import { createRemoteJWKSet, jwtVerify } from 'jose';
import { seedPeople, startVendorSim, type VendorSim } from '../src/index.js';
import { call } from './support/clients.js';

describe('simulated Okta authorization server', () => {
  let sim: VendorSim;

  beforeAll(async () => {
    sim = await startVendorSim();
  });
  afterAll(() => sim.close());

  async function discover(): Promise<{ issuer: string; jwks_uri: string }> {
    const response = await fetch(`${sim.url}/oauth2/default/.well-known/openid-configuration`);
    return (await response.json()) as { issuer: string; jwks_uri: string };
  }

  it('mints tokens that verify against the published JWKS with issuer and audience', async () => {
    const minted = await call(sim, 'POST', '/_sim/token', { sub: 'alice@example.com', scopes: ['jit.request'] });
    const { access_token: token } = minted.body as { access_token: string };
    const discovery = await discover();

    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
      issuer: discovery.issuer,
      audience: 'api://jit-access',
    });
    expect(discovery.issuer).toBe(`${sim.url}/oauth2/default`);
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      sub: 'alice@example.com',
      uid: seedPeople.alice.oktaId,
      email: 'alice@example.com',
      email_verified: true,
      scp: ['jit.request'],
    });
    expect(minted.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
  });

  it('mints tokens that fail verification for another audience', async () => {
    const { access_token: token } = await sim.mintToken({ sub: seedPeople.bob.email });

    await expect(
      jwtVerify(token, createRemoteJWKSet(new URL(sim.jwksUri)), { issuer: sim.issuer, audience: 'api://other' }),
    ).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
  });

  it('mints a token with an unverified email when asked, for tests of the services that refuse it', async () => {
    const minted = await call(sim, 'POST', '/_sim/token', { sub: 'alice@example.com', emailVerified: false });
    const { access_token: token } = minted.body as { access_token: string };

    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(sim.jwksUri)), { issuer: sim.issuer });
    expect(payload).toMatchObject({ email: 'alice@example.com', email_verified: false });
  });

  it('honours expiresIn', async () => {
    const { access_token: token } = await sim.mintToken({ sub: seedPeople.dave.email, expiresIn: 60 });

    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(sim.jwksUri)), { issuer: sim.issuer });
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  it('uses the configured audience', async () => {
    const other = await startVendorSim({ audience: 'api://custom' });
    try {
      const { access_token: token } = await other.mintToken({ sub: seedPeople.carol.email });
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(other.jwksUri)), { audience: 'api://custom' });
      expect(payload.aud).toBe('api://custom');
    } finally {
      await other.close();
    }
  });

  it('rejects a token request without sub, naming the field', async () => {
    const response = await call(sim, 'POST', '/_sim/token', { scopes: ['x'] });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ fields: ['sub'] });
  });
});
