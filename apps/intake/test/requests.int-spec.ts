import { startVendorSim, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { API_KEY, asApiKey, startIntake, type IntakeHarness } from './support/intake.js';

const request = { applicationId: 'demo-sandbox', duration: 'PT15M', justification: 'INC-42 needs a look at the sandbox' };

// A person may have one open request per application: tests that need a fresh one ask as someone new.
let people = 0;
const someone = (): string => `person-${++people}@example.com`;

describe('requesting access', () => {
  let sim: VendorSim;
  let h: IntakeHarness;
  let aliceToken: string;

  beforeAll(async () => {
    sim = await startVendorSim();
    h = await startIntake('intake_requests', { OIDC_ISSUER: sim.issuer });
    aliceToken = (await sim.mintToken({ sub: 'alice@example.com' })).access_token;
  });

  afterAll(async () => {
    await h?.close();
    await sim?.close();
  });

  /** Rows and events so far, to prove a refused call changed neither. */
  async function written(): Promise<{ rows: number; events: number }> {
    const [{ count }] = await h.dataSource.query(`SELECT count(*)::int AS count FROM intake.requests`);
    return { rows: count, events: (await h.publishedEvents()).length };
  }

  it('a request is stored as pending and published as exactly one valid requested event with the application snapshot', async () => {
    const before = await h.publishedEvents();
    const answer = await h.call('POST', '/v1/requests', { headers: asApiKey('alice@example.com'), body: request });
    expect(answer).toEqual({ status: 202, body: { id: expect.any(String), status: 'pending' } });

    const [row] = await h.dataSource.query(
      `SELECT requester, application_id, duration_seconds, justification, status FROM intake.requests WHERE id = $1`,
      [answer.body.id],
    );
    expect(row).toEqual({
      requester: 'alice@example.com',
      application_id: 'demo-sandbox',
      duration_seconds: 900,
      justification: request.justification,
      status: 'pending',
    });
    const events = (await h.publishedEvents()).slice(before.length);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'requested',
        requestId: answer.body.id,
        actor: 'alice@example.com',
        data: {
          requester: 'alice@example.com',
          application: {
            id: 'demo-sandbox',
            name: 'Demo sandbox',
            oktaGroupId: '00g1demosandbox00001',
            owners: ['carol@example.com'],
            approval: { kind: 'auto' },
            pendingTtlSeconds: 86_400,
            preExpiryNoticeSeconds: 30,
            maxTotalSeconds: 7200,
            selfExtensionSeconds: 3600,
          },
          durationSeconds: 900,
          justification: request.justification,
        },
      }),
    ]);
  });

  it('GET shows the request as the API documents it', async () => {
    const { body } = await h.call('POST', '/v1/requests', {
      headers: asApiKey('dave@example.com'),
      body: { ...request, duration: '90s' },
    });
    const answer = await h.call('GET', `/v1/requests/${body.id}`, { headers: asApiKey() });
    expect(answer).toEqual({
      status: 200,
      body: {
        id: body.id,
        requester: 'dave@example.com',
        applicationId: 'demo-sandbox',
        status: 'pending',
        reason: null,
        justification: request.justification,
        durationSeconds: 90,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        grantedAt: null,
        expiresAt: null,
        revokedAt: null,
        revokeRequestedAt: null,
        approval: null,
        ticketKey: null,
        retrying: null,
        canExtend: false,
        extension: null,
      },
    });
  });

  it('durationMinutes, as the design names it, is accepted', async () => {
    const { status, body } = await h.call('POST', '/v1/requests', {
      headers: asApiKey('alice@example.com'),
      body: { applicationId: 'aws-prod-console', durationMinutes: 120, justification: 'deploy' },
    });
    expect(status).toBe(202);
    expect((await h.call('GET', `/v1/requests/${body.id}`, { headers: asApiKey() })).body.durationSeconds).toBe(7200);
  });

  it('replaying an Idempotency-Key returns the same request and publishes nothing more', async () => {
    const headers = { ...asApiKey(someone()), 'idempotency-key': 'replay-1' };
    const first = await h.call('POST', '/v1/requests', { headers, body: request });
    const before = await written();
    const replays = await Promise.all([1, 2, 3].map(() => h.call('POST', '/v1/requests', { headers, body: request })));
    expect(replays).toEqual([first, first, first]);
    expect(await written()).toEqual(before);
    const [row] = await h.dataSource.query(`SELECT idempotency_key FROM intake.requests WHERE id = $1`, [first.body.id]);
    expect(row).toEqual({ idempotency_key: 'replay-1' });
  });

  it('concurrent first uses of one Idempotency-Key create one request', async () => {
    const before = await written();
    const headers = { ...asApiKey(someone()), 'idempotency-key': 'race-1' };
    const answers = await Promise.all([1, 2, 3, 4].map(() => h.call('POST', '/v1/requests', { headers, body: request })));
    expect(new Set(answers.map((a) => `${a.status} ${a.body.id}`)).size).toBe(1);
    expect(await written()).toEqual({ rows: before.rows + 1, events: before.events + 1 });
  });

  it('an Idempotency-Key reused for a different request is refused', async () => {
    const headers = { ...asApiKey(someone()), 'idempotency-key': 'reused-1' };
    await h.call('POST', '/v1/requests', { headers, body: request });
    const before = await written();
    const answer = await h.call('POST', '/v1/requests', { headers, body: { ...request, duration: '30m' } });
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toMatch(/^Idempotency-Key:/);
    expect(await written()).toEqual(before);
  });

  it.each([
    ['an unknown application', { ...request, applicationId: 'mainframe' }, /^applicationId: unknown application "mainframe"/],
    ['a missing application', { duration: 'PT15M', justification: 'x' }, /^applicationId:/],
    [
      'a duration above the maximum',
      { ...request, duration: '2h' },
      /^duration: 2h is out of bounds; demo-sandbox can be granted for between 10s and 1h$/,
    ],
    ['a duration below the minimum', { ...request, duration: 'PT5S' }, /^duration: 5s is out of bounds; .*between 10s and 1h$/],
    ['an unreadable duration', { ...request, duration: 'two hours' }, /^duration: "two hours" is not an ISO 8601 duration/],
    ['a missing duration', { applicationId: 'demo-sandbox', justification: 'x' }, /^duration: is required/],
    ['both duration and durationMinutes', { ...request, durationMinutes: 15 }, /^duration: give either/],
    ['a missing justification', { applicationId: 'demo-sandbox', duration: 'PT15M' }, /^justification:/],
    ['a blank justification', { ...request, justification: '   ' }, /^justification:/],
    ['a requester that is not a login', { ...request, requester: 'bob' }, /^requester:/],
  ])('%s is refused with a 400 naming the field, and nothing is written or published', async (_, body, message) => {
    const before = await written();
    const answer = await h.call('POST', '/v1/requests', { headers: asApiKey('alice@example.com'), body });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual(expect.objectContaining({ code: 'invalid_request', message: expect.stringMatching(message) }));
    expect(await written()).toEqual(before);
  });

  it('an API key that names nobody is refused with a 400 naming requester', async () => {
    const answer = await h.call('POST', '/v1/requests', { headers: asApiKey(), body: request });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^requester:/);
  });

  it('an API key may ask on behalf of a named requester', async () => {
    const { status, body } = await h.call('POST', '/v1/requests', {
      headers: asApiKey(),
      body: { ...request, requester: 'bob@example.com' },
    });
    expect(status).toBe(202);
    expect((await h.call('GET', `/v1/requests/${body.id}`, { headers: asApiKey() })).body.requester).toBe('bob@example.com');
  });

  it.each([
    ['no Authorization header', {}],
    ['an invalid API key', { authorization: `Bearer ${API_KEY}-wrong` }],
    ['a malformed JWT', { authorization: 'Bearer not.a.jwt' }],
    ['a token that is not Bearer', { authorization: `Basic ${API_KEY}` }],
  ])('a call with %s is refused with 401 and writes nothing', async (_, headers) => {
    const before = await written();
    for (const [method, path] of [
      ['POST', '/v1/requests'],
      ['GET', '/v1/requests'],
      ['GET', '/v1/applications'],
    ]) {
      const answer = await h.call(method, path, { headers, body: method === 'POST' ? request : undefined });
      expect({ path, status: answer.status, code: answer.body.error.code }).toEqual({ path, status: 401, code: 'unauthenticated' });
    }
    expect(await written()).toEqual(before);
  });

  describe('a signed-in person', () => {
    const asAlice = (): Record<string, string> => ({ authorization: `Bearer ${aliceToken}` });

    it('asks for themselves', async () => {
      const { status, body } = await h.call('POST', '/v1/requests', {
        headers: asAlice(),
        body: { ...request, applicationId: 'github-admin', duration: '1h' },
      });
      expect(status).toBe(202);
      expect((await h.call('GET', `/v1/requests/${body.id}`, { headers: asAlice() })).body.requester).toBe('alice@example.com');
    });

    it('may not ask on behalf of someone else', async () => {
      const before = await written();
      const answer = await h.call('POST', '/v1/requests', { headers: asAlice(), body: { ...request, requester: 'bob@example.com' } });
      expect(answer.status).toBe(403);
      expect(answer.body.error.message).toMatch(/^requester:/);
      expect(await written()).toEqual(before);
    });

    it("sees only their own requests; someone else's is not found", async () => {
      const bobs = await h.call('POST', '/v1/requests', {
        headers: asApiKey('bob@example.com'),
        body: { ...request, applicationId: 'github-admin', duration: '1h' },
      });
      expect((await h.call('GET', `/v1/requests/${bobs.body.id}`, { headers: asAlice() })).status).toBe(404);
      expect((await h.call('POST', `/v1/requests/${bobs.body.id}/cancel`, { headers: asAlice() })).status).toBe(404);
      const listed = await h.call('GET', '/v1/requests', { headers: asAlice() });
      expect(listed.status).toBe(200);
      expect(listed.body.requests.length).toBeGreaterThan(0);
      expect(new Set(listed.body.requests.map((r: { requester: string }) => r.requester))).toEqual(new Set(['alice@example.com']));
      expect((await h.call('GET', '/v1/requests?requester=bob@example.com', { headers: asAlice() })).status).toBe(403);
    });
  });

  it('the API key lists everyone, filtered by requester and status', async () => {
    const all = await h.call('GET', '/v1/requests', { headers: asApiKey() });
    expect(new Set(all.body.requests.map((r: { requester: string }) => r.requester))).toEqual(
      new Set([
        'alice@example.com',
        'bob@example.com',
        'dave@example.com',
        'person-1@example.com',
        'person-2@example.com',
        'person-3@example.com',
      ]),
    );
    const bobs = await h.call('GET', '/v1/requests?requester=bob@example.com&status=pending', { headers: asApiKey() });
    expect(bobs.body.requests.length).toBeGreaterThan(0);
    expect(
      bobs.body.requests.every((r: { requester: string; status: string }) => r.requester === 'bob@example.com' && r.status === 'pending'),
    ).toBe(true);
    expect((await h.call('GET', '/v1/requests?status=lost', { headers: asApiKey() })).body.error.message).toMatch(/^status:/);
  });

  it('an unknown request is not found', async () => {
    expect((await h.call('GET', '/v1/requests/8a4f7f0e-5d43-4a43-9b5e-2d0d3c1a9f10', { headers: asApiKey() })).status).toBe(404);
    expect((await h.call('GET', '/v1/requests/not-a-uuid', { headers: asApiKey() })).status).toBe(404);
  });
});
