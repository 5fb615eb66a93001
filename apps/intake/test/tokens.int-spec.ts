import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { SubjectDirectory } from '@jit/platform';
import { intakeService } from '../src/service.js';
import { startIntake, type IntakeHarness } from './support/intake.js';

const audience = 'api://jit-access';
const request = { applicationId: 'demo-sandbox', duration: 'PT15M', justification: 'INC-7 needs a look at the sandbox' };

/** A tiny OIDC issuer: a discovery document (whose `issuer` a test may change) and a JWKS, over real HTTP. */
class TestIssuer {
  private constructor(
    private readonly server: Server,
    private readonly privateKey: CryptoKey,
    private readonly discovery: { issuer: string; jwks_uri: string },
    readonly url: string,
  ) {}

  static async start(): Promise<TestIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    const discovery = { issuer: '', jwks_uri: '' };
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify(discovery));
      else if (req.url === '/keys') res.end(JSON.stringify({ keys: [jwk] }));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    Object.assign(discovery, { issuer: url, jwks_uri: `${url}/keys` });
    return new TestIssuer(server, privateKey, discovery, url);
  }

  /** The `issuer` the discovery document names from now on. */
  set advertisedIssuer(issuer: string) {
    this.discovery.issuer = issuer;
  }

  /** Signs a token for the JIT Access audience; `exp` is set unless `expires` is false. */
  sign(claims: JWTPayload & { sub: string }, expires = true): Promise<string> {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(this.url)
      .setAudience(audience)
      .setIssuedAt();
    return (expires ? jwt.setExpirationTime('5m') : jwt).sign(this.privateKey);
  }

  close(): Promise<void> {
    return new Promise((closed) => this.server.close(() => closed()));
  }
}

/** The directory of the test: one Okta-style user id mapped to a login. */
const directory: SubjectDirectory = {
  loginOf: async (subject) => (subject === '00u1erin' ? 'Erin@Example.com' : undefined),
};

describe('access tokens', () => {
  let issuer: TestIssuer;
  let h: IntakeHarness;
  let mapped: IntakeHarness;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    h = await startIntake('intake_tokens', { OIDC_ISSUER: issuer.url, OIDC_AUDIENCE: audience });
  });

  afterAll(async () => {
    await h?.close();
    await mapped?.close();
    await issuer?.close();
  });

  /** Rows and stream length so far, to prove a refused call changed neither. */
  async function written(harness: IntakeHarness): Promise<{ rows: number; events: number }> {
    const [{ count }] = await harness.dataSource.query(`SELECT count(*)::int AS count FROM intake.requests`);
    return { rows: count, events: (await harness.publishedEvents()).length };
  }

  async function requestWith(harness: IntakeHarness, token: string) {
    return harness.call('POST', '/v1/requests', { headers: { authorization: `Bearer ${token}` }, body: request });
  }

  // First, while the keys are not yet cached: a refused discovery caches nothing.
  it('refuses every token while the discovery document names another issuer than OIDC_ISSUER, and writes nothing', async () => {
    issuer.advertisedIssuer = 'https://attacker.example.com';
    try {
      const before = await written(h);
      const answer = await requestWith(
        h,
        await issuer.sign({ sub: 'alice@example.com', email: 'alice@example.com', email_verified: true }),
      );
      expect(answer.status).toBe(401);
      expect(answer.body.error.message).toMatch(/discovery document names another issuer/);
      expect(await written(h)).toEqual(before);
    } finally {
      issuer.advertisedIssuer = issuer.url;
    }
  });

  it('refuses a token without exp (it would never expire) and writes nothing', async () => {
    const before = await written(h);
    const answer = await requestWith(
      h,
      await issuer.sign({ sub: 'alice@example.com', email: 'alice@example.com', email_verified: true }, false),
    );
    expect(answer.status).toBe(401);
    expect(answer.body.error.message).toMatch(/exp/);
    expect(await written(h)).toEqual(before);
  });

  it.each([
    ['absent', {}],
    ['false', { email_verified: false }],
    ['the string "true"', { email_verified: 'true' }],
  ])('refuses a token whose email_verified is %s when the service has no directory, and writes nothing', async (_, claim) => {
    const before = await written(h);
    const answer = await requestWith(h, await issuer.sign({ sub: '00u1mallory', email: 'alice@example.com', ...claim }));
    expect(answer.status).toBe(401);
    expect(answer.body.error.message).toMatch(/no verified email .* no directory/);
    expect(await written(h)).toEqual(before);
  });

  it('takes the person from a verified email, in its canonical form', async () => {
    const answer = await requestWith(h, await issuer.sign({ sub: '00u1alice', email: ' Alice@Example.COM', email_verified: true }));
    expect(answer.status).toBe(202);
    const [row] = await h.dataSource.query(`SELECT requester FROM intake.requests WHERE id = $1`, [answer.body.id]);
    expect(row).toEqual({ requester: 'alice@example.com' });
  });

  describe('with a directory', () => {
    beforeAll(async () => {
      mapped = await startIntake(
        'intake_tokens_directory',
        { OIDC_ISSUER: issuer.url, OIDC_AUDIENCE: audience },
        {
          ...intakeService,
          subjectDirectory: () => directory,
        },
      );
    });

    it('maps the subject of a token without a verified email through the directory, ignoring the unverified email', async () => {
      const answer = await requestWith(mapped, await issuer.sign({ sub: '00u1erin', email: 'alice@example.com', email_verified: false }));
      expect(answer.status).toBe(202);
      const [row] = await mapped.dataSource.query(`SELECT requester FROM intake.requests WHERE id = $1`, [answer.body.id]);
      expect(row).toEqual({ requester: 'erin@example.com' });
    });

    it('refuses a subject the directory does not know, and writes nothing', async () => {
      const before = await written(mapped);
      const answer = await requestWith(mapped, await issuer.sign({ sub: '00u1nobody' }));
      expect(answer.status).toBe(401);
      expect(answer.body.error.message).toMatch(/directory knows no person/);
      expect(await written(mapped)).toEqual(before);
    });
  });
});
