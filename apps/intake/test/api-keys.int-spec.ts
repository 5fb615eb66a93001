import type { RunningService } from '@jit/platform';
import { startTestService } from '@jit/platform/testing';
import { waitFor } from '@jit/events/testing';
import { startVendorSim, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { intakeService } from '../src/service.js';
import { API_KEY, asApiKey, startIntake, type IntakeHarness } from './support/intake.js';

const request = { applicationId: 'demo-sandbox', duration: 'PT15M', justification: 'INC-42 needs a look at the sandbox' };

describe('scoped API keys', () => {
  let sim: VendorSim;
  let h: IntakeHarness;
  let replica: RunningService;
  let aliceToken: string;

  beforeAll(async () => {
    sim = await startVendorSim();
    h = await startIntake('intake_keys', { OIDC_ISSUER: sim.issuer });
    // A second instance over the same database, trusting a cached key for a whole minute: only the
    // change notification can make it refuse a revoked key within seconds.
    replica = await startTestService(intakeService, {
      name: 'intake_keys_replica',
      databaseUrl: h.databaseUrl,
      topology: h.topology,
      env: { JIT_DEMO_API_KEY: API_KEY, API_KEY_CACHE_MS: '60000' },
    });
    aliceToken = (await sim.mintToken({ sub: 'alice@example.com' })).access_token;
  });

  afterAll(async () => {
    await replica?.stop();
    await h?.close();
    await sim?.close();
  });

  /** Creates a key through the admin endpoint with the demo key (which holds every scope) and returns its secret. */
  async function createKey(name: string, scopes: string[], extra: Record<string, unknown> = {}): Promise<string> {
    const answer = await h.call('POST', '/v1/admin/keys', {
      headers: asApiKey(),
      body: { name, owner: 'ops@example.com', scopes, ...extra },
    });
    expect(answer.status).toBe(201);
    return answer.body.secret;
  }

  function bearer(secret: string, onBehalfOf?: string): Record<string, string> {
    return { authorization: `Bearer ${secret}`, ...(onBehalfOf === undefined ? {} : { 'on-behalf-of': onBehalfOf }) };
  }

  async function callReplica(path: string, secret: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${replica.url}${path}`, { headers: bearer(secret) });
    return { status: response.status, body: await response.json() };
  }

  /** Rows and events so far, to prove a refused call changed neither. */
  async function written(): Promise<{ rows: number; events: number }> {
    const [{ count }] = await h.dataSource.query(`SELECT count(*)::int AS count FROM intake.requests`);
    return { rows: count, events: (await h.publishedEvents()).length };
  }

  it('creates a key whose secret is shown once, and lists it without the secret', async () => {
    const answer = await h.call('POST', '/v1/admin/keys', {
      headers: asApiKey(),
      body: { name: 'listed', owner: 'Ops@Example.com', scopes: ['requests:read'] },
    });
    expect(answer).toMatchObject({
      status: 201,
      body: { secret: expect.stringMatching(/^jit_/), key: { name: 'listed', owner: 'ops@example.com', scopes: ['requests:read'] } },
    });
    const listed = await h.call('GET', '/v1/admin/keys', { headers: asApiKey() });
    expect(listed.body.keys.find((k: { name: string }) => k.name === 'listed')).toMatchObject({
      status: 'active',
      changes: [{ action: 'created', by: 'apikey:demo' }],
    });
    expect(JSON.stringify(listed.body)).not.toContain(answer.body.secret.slice(12));
  });

  it('a key without the scope a route needs gets 403 naming the scope, and nothing is stored or published', async () => {
    const reader = await createKey('reader', ['requests:read', 'requests:on-behalf']);
    const before = await written();
    const answer = await h.call('POST', '/v1/requests', { headers: bearer(reader, 'alice@example.com'), body: request });
    expect(answer).toEqual({
      status: 403,
      body: {
        error: {
          code: 'forbidden',
          message: 'API key "reader" may not do this: POST /v1/requests needs scope requests:create',
          details: { scope: 'requests:create' },
        },
      },
    });
    expect(await written()).toEqual(before);
    expect((await h.call('GET', '/v1/applications', { headers: bearer(reader) })).status).toBe(200);
  });

  it('On-Behalf-Of from a key without requests:on-behalf is refused (403 naming it), not ignored, and nothing is published', async () => {
    const creator = await createKey('creator', ['requests:create']);
    const before = await written();
    const answer = await h.call('POST', '/v1/requests', { headers: bearer(creator, 'alice@example.com'), body: request });
    expect(answer.status).toBe(403);
    expect(answer.body.error.message).toContain('needs scope requests:on-behalf');
    const inBody = await h.call('POST', '/v1/requests', { headers: bearer(creator), body: { ...request, requester: 'alice@example.com' } });
    expect(inBody).toMatchObject({ status: 403, body: { error: { details: { scope: 'requests:on-behalf' } } } });
    expect(await written()).toEqual(before);
  });

  it.each([
    ['ä', 1],
    ['%00', 2],
    ['alice', 3],
    ['alice@example.com bob@example.com', 4],
  ])('On-Behalf-Of naming nobody (%s) is a 400 naming the header, and nothing is published', async (named, n) => {
    const portal = await createKey(`portal-nobody-${n}`, ['requests:create', 'requests:on-behalf']);
    const before = await written();
    const answer = await h.call('POST', '/v1/requests', { headers: bearer(portal, named), body: request });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^on-behalf-of: expected a login: the e-mail address of a person/);
    expect(await written()).toEqual(before);
  });

  it('On-Behalf-Of with a person’s token is refused: a person acts only as themself', async () => {
    const before = await written();
    const answer = await h.call('POST', '/v1/requests', {
      headers: { authorization: `Bearer ${aliceToken}`, 'on-behalf-of': 'bob@example.com' },
      body: request,
    });
    expect(answer.status).toBe(403);
    expect(await written()).toEqual(before);
  });

  it('a key acting for someone records both: the person (normalised) as actor and the key as via, on every event it causes', async () => {
    const portal = await createKey('portal', ['requests:create', 'requests:on-behalf', 'requests:read']);
    const before = (await h.publishedEvents()).length;
    const created = await h.call('POST', '/v1/requests', { headers: bearer(portal, ' Alice@Example.COM '), body: request });
    expect(created.status).toBe(202);
    expect((await h.call('POST', `/v1/requests/${created.body.id}/cancel`, { headers: bearer(portal, 'alice@example.com') })).status).toBe(
      200,
    );
    const events = (await h.publishedEvents()).slice(before);
    expect(
      events.map(({ type, actor, via, data }) => ({ type, actor, via, requester: (data as { requester?: string }).requester })),
    ).toEqual([
      { type: 'requested', actor: 'alice@example.com', via: { kind: 'api_key', name: 'portal' }, requester: 'alice@example.com' },
      { type: 'cancelled', actor: 'alice@example.com', via: { kind: 'api_key', name: 'portal' }, requester: undefined },
    ]);
  });

  it('a revoked key is refused within seconds by another running instance that had it cached', async () => {
    const doomed = await createKey('doomed', ['requests:read']);
    expect((await callReplica('/v1/applications', doomed)).status).toBe(200);
    expect((await h.call('POST', '/v1/admin/keys/doomed/revoke', { headers: asApiKey() })).status).toBe(200);
    const refused = await waitFor(
      async () => {
        const answer = await callReplica('/v1/applications', doomed);
        return answer.status === 401 && answer;
      },
      { timeoutMs: 5000, what: 'the replica refusing the revoked key' },
    );
    expect(refused.body.error.message).toMatch(/^API key "doomed" was revoked at/);
  });

  it('an expired key is refused', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const shortLived = await createKey('short-lived', ['requests:read'], { expiresAt });
    expect((await h.call('GET', '/v1/applications', { headers: bearer(shortLived) })).status).toBe(200);
    const refused = await waitFor(
      async () => {
        const answer = await h.call('GET', '/v1/applications', { headers: bearer(shortLived) });
        return answer.status === 401 && answer;
      },
      { timeoutMs: 5000, what: 'the expired key refused' },
    );
    expect(refused.body.error.message).toBe(`API key "short-lived" expired at ${expiresAt}`);
  });

  it('rotation gives a new secret and the old one stops working', async () => {
    const old = await createKey('rotating', ['requests:read']);
    const rotated = await h.call('POST', '/v1/admin/keys/rotating/rotate', { headers: asApiKey() });
    expect(rotated).toMatchObject({ status: 200, body: { secret: expect.stringMatching(/^jit_/), key: { name: 'rotating' } } });
    await waitFor(async () => (await callReplica('/v1/applications', old)).status === 401, {
      what: 'the old secret refused by the replica',
    });
    expect((await h.call('GET', '/v1/applications', { headers: bearer(old) })).status).toBe(401);
    expect((await h.call('GET', '/v1/applications', { headers: bearer(rotated.body.secret) })).status).toBe(200);
  });

  it('key administration needs scope admin: a key without it, or a person, is refused and no key is made', async () => {
    const portal = await createKey('not-admin', [
      'requests:create',
      'requests:on-behalf',
      'requests:read',
      'approvals:decide',
      'audit:read',
    ]);
    const count = async (): Promise<number> => (await h.call('GET', '/v1/admin/keys', { headers: asApiKey() })).body.keys.length;
    const before = await count();
    const body = { name: 'sneaky', owner: 'mallory@example.com', scopes: ['admin'] };
    const byKey = await h.call('POST', '/v1/admin/keys', { headers: bearer(portal), body });
    expect(byKey.status).toBe(403);
    expect(byKey.body.error.message).toContain('needs scope admin');
    expect((await h.call('POST', '/v1/admin/keys', { headers: { authorization: `Bearer ${aliceToken}` }, body })).status).toBe(403);
    expect((await h.call('POST', '/v1/admin/keys', { headers: asApiKey('alice@example.com'), body })).status).toBe(403);
    expect((await h.call('POST', '/v1/admin/keys/not-admin/revoke', { headers: bearer(portal) })).status).toBe(403);
    expect(await count()).toBe(before);
  });

  it('a bad new key is a 400 naming the field, and nothing is made', async () => {
    const answer = await h.call('POST', '/v1/admin/keys', {
      headers: asApiKey(),
      body: { name: 'bad-scope', owner: 'ops@example.com', scopes: ['everything'] },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^scopes\.0: /);
    const duplicate = await h.call('POST', '/v1/admin/keys', {
      headers: asApiKey(),
      body: { name: 'listed', owner: 'ops@example.com', scopes: ['admin'] },
    });
    expect(duplicate.status).toBe(409);
    const listed = await h.call('GET', '/v1/admin/keys', { headers: asApiKey() });
    expect(listed.body.keys.map((k: { name: string }) => k.name)).not.toContain('bad-scope');
    const badRef = await h.call('POST', `/v1/admin/keys/${encodeURIComponent('listed\u0000')}/revoke`, { headers: asApiKey() });
    expect(badRef).toMatchObject({ status: 400, body: { error: { details: { issues: [{ field: '(path)' }] } } } });
    expect((await h.call('POST', '/v1/admin/keys/nobody/revoke', { headers: asApiKey() })).status).toBe(404);
  });
});
