import { startVendorSim, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { asApiKey, startIntake, type IntakeHarness } from './support/intake.js';

// The HTTP edge is the platform's (libs/platform/src/http); intake is the service it is proven on.

const request = { applicationId: 'demo-sandbox', duration: 'PT15M', justification: 'INC-9' };

describe('the HTTP edge of every service', () => {
  let h: IntakeHarness;

  beforeAll(async () => {
    h = await startIntake('intake_edge', { HTTP_BODY_LIMIT_BYTES: '2048', METRICS_PORT: '0' });
  });

  afterAll(async () => {
    await h?.close();
  });

  async function written(): Promise<{ rows: number; events: number }> {
    const [{ count }] = await h.dataSource.query(`SELECT count(*)::int AS count FROM intake.requests`);
    return { rows: count, events: (await h.publishedEvents()).length };
  }

  it('every answer, success, error or probe, carries the security headers and no X-Powered-By', async () => {
    for (const [path, headers] of [
      ['/v1/applications', asApiKey()],
      ['/v1/applications', {}],
      ['/healthz', {}],
      ['/nowhere', asApiKey()],
    ] as const) {
      const response = await fetch(`${h.url}${path}`, { headers });
      expect({ path, poweredBy: response.headers.get('x-powered-by') }).toEqual({ path, poweredBy: null });
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=/);
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    }
  });

  it('a body over the limit is 413 in the JSON error shape, and nothing is stored or published', async () => {
    const before = await written();
    const answer = await h.call('POST', '/v1/requests', {
      headers: asApiKey('alice@example.com'),
      body: { ...request, justification: 'x'.repeat(4096) },
    });
    expect(answer).toEqual({ status: 413, body: { error: { code: 'payload_too_large', message: 'request entity too large' } } });
    expect(await written()).toEqual(before);
  });

  it('a body that is not JSON is a 400 in the JSON error shape naming the body, not a 500', async () => {
    const response = await fetch(`${h.url}/v1/requests`, {
      method: 'POST',
      headers: { ...asApiKey('alice@example.com'), 'content-type': 'application/json' },
      body: '{"applicationId":',
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string; details: unknown } };
    expect(error).toMatchObject({ code: 'invalid_request', details: { issues: [{ field: '(body)' }] } });
    expect(error.message).toMatch(/^\(body\): not valid JSON: /);
  });

  it.each([
    ['without a content type', undefined],
    ['as text', 'text/plain'],
    ['as a form', 'application/x-www-form-urlencoded'],
  ])('a body sent %s is 415 naming application/json, and nothing is stored or published', async (_, contentType) => {
    const before = await written();
    const response = await fetch(`${h.url}/v1/requests`, {
      method: 'POST',
      headers: { ...asApiKey('alice@example.com'), ...(contentType ? { 'content-type': contentType } : {}) },
      // A Buffer, so fetch adds no content type of its own.
      body: Buffer.from(contentType?.includes('form') ? 'applicationId=demo-sandbox&duration=PT15M' : JSON.stringify(request)),
    });
    expect(response.status).toBe(415);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error).toEqual({
      code: 'unsupported_media_type',
      message: expect.stringMatching(/^Content-Type: expected application\/json, got /),
    });
    expect(await written()).toEqual(before);
  });

  it('a JSON body with a charset is read, and a POST with no body at all is not refused for its content type', async () => {
    const submitted = await fetch(`${h.url}/v1/requests`, {
      method: 'POST',
      headers: { ...asApiKey('charset@example.com'), 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(request),
    });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    const cancelled = await fetch(`${h.url}/v1/requests/${id}/cancel`, { method: 'POST', headers: asApiKey('charset@example.com') });
    expect(cancelled.status).toBe(200);
    const empty = await fetch(`${h.url}/v1/requests`, { method: 'POST', headers: asApiKey('empty@example.com') });
    expect(empty.status).toBe(400);
  });

  it.each([
    ['a NUL in a query value', '/v1/requests?requester=alice%00@example.com', 'requester'],
    ['a line break in a query value', '/v1/requests?status=pending%0d%0aX-Injected:%201', 'status'],
    ['a NUL in a path parameter', '/v1/requests/%00', '(path)'],
    ['a C1 control in a path parameter', '/v1/requests/%C2%85', '(path)'],
  ])('%s is a 400 naming the field', async (_, path, field) => {
    const answer = await h.call('GET', path, { headers: asApiKey() });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_request');
    expect(answer.body.error.message.startsWith(`${field}: must not contain control characters`)).toBe(true);
  });

  it('with METRICS_PORT, /metrics is served on that port only', async () => {
    expect(h.metricsUrl).not.toBe(h.url);
    const separate = await fetch(`${h.metricsUrl}/metrics`);
    expect(separate.status).toBe(200);
    expect(await separate.text()).toContain('process_cpu_seconds_total');
    const onApi = await fetch(`${h.url}/metrics`);
    expect(onApi.status).toBe(404);
    expect(((await onApi.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  describe('GET /v1/applications is paged', () => {
    it('walks the whole catalog once, in its order, a page at a time', async () => {
      const everything = await h.call('GET', '/v1/applications', { headers: asApiKey() });
      expect(everything.body.nextCursor).toBeNull();
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { applications: { id: string }[]; nextCursor: string | null } } = await h.call(
          'GET',
          `/v1/applications?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          { headers: asApiKey() },
        );
        expect(page.status).toBe(200);
        expect(page.body.applications).toHaveLength(1);
        seen.push(page.body.applications[0].id);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(everything.body.applications.map((a: { id: string }) => a.id));
      expect(seen.length).toBeGreaterThan(1);
    });

    it('refuses a limit over the largest page, naming it', async () => {
      const answer = await h.call('GET', '/v1/applications?limit=1001', { headers: asApiKey() });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(/^limit: must be at most 1000/);
    });
  });

  describe('GET /v1/requests is paged', () => {
    it('walks every request once, newest first, page by page, and the last page has no next cursor', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push((await h.call('POST', '/v1/requests', { headers: asApiKey(`pager-${i}@example.com`), body: request })).body.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { requests: { id: string }[]; nextCursor: string | null } } = await h.call(
          'GET',
          `/v1/requests?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          { headers: asApiKey() },
        );
        expect(page.status).toBe(200);
        expect(page.body.requests.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.requests.map((r) => r.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      const [{ count }] = await h.dataSource.query(`SELECT count(*)::int AS count FROM intake.requests`);
      expect(seen).toHaveLength(count);
      expect(new Set(seen).size).toBe(count);
      expect(seen.slice(0, 5)).toEqual([...ids].reverse());
    });

    it.each([
      ['a limit over the largest page', '/v1/requests?limit=1001', /^limit: must be at most 1000/],
      ['a cursor it never handed out', '/v1/requests?cursor=bm9wZQ', /^cursor: /],
    ])('%s is a 400 naming the parameter', async (_, path, message) => {
      const answer = await h.call('GET', path, { headers: asApiKey() });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(message);
    });
  });
});

describe('the rate limit of every service', () => {
  let sim: VendorSim;
  let h: IntakeHarness;
  let tokens: Record<'alice' | 'bob', string>;

  beforeAll(async () => {
    sim = await startVendorSim();
    h = await startIntake('intake_rate_limit', { OIDC_ISSUER: sim.issuer, RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '600000' });
    tokens = {
      alice: (await sim.mintToken({ sub: 'alice@example.com' })).access_token,
      bob: (await sim.mintToken({ sub: 'bob@example.com' })).access_token,
    };
  });

  afterAll(async () => {
    await h?.close();
    await sim?.close();
  });

  it('a caller over its limit gets 429 with Retry-After in the JSON error shape, its request is not stored, and others are unaffected', async () => {
    const asAlice = { authorization: `Bearer ${tokens.alice}` };
    for (let i = 0; i < 3; i++) expect((await h.call('GET', '/v1/applications', { headers: asAlice })).status).toBe(200);
    const before = (await h.publishedEvents()).length;
    const response = await fetch(`${h.url}/v1/requests`, {
      method: 'POST',
      headers: { ...asAlice, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await response.json()).toEqual({
      error: {
        code: 'rate_limited',
        // Durations read as everywhere else (formatDuration): `10m` or `9m58s`, never `600 s`.
        message: expect.stringMatching(/^too many requests: try again in (10m|9m\d{1,2}s)$/),
        details: { retryAfterSeconds: expect.any(Number) },
      },
    });
    expect(await h.dataSource.query(`SELECT id FROM intake.requests`)).toEqual([]);
    expect((await h.publishedEvents()).length).toBe(before);
    expect((await h.call('GET', '/v1/applications', { headers: { authorization: `Bearer ${tokens.bob}` } })).status).toBe(200);
  });

  it('health probes are never limited', async () => {
    for (let i = 0; i < 10; i++) expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  // Last: it spends this address's budget of failed authentications.
  it('an address that keeps failing to authenticate gets 429 before any credential is checked, and probes still answer', async () => {
    const guess = { authorization: 'Bearer not-the-key-0123456789' };
    for (let i = 0; i < 3; i++) expect((await h.call('GET', '/v1/applications', { headers: guess })).status).toBe(401);
    const before = (await h.publishedEvents()).length;
    const response = await fetch(`${h.url}/v1/requests`, {
      method: 'POST',
      headers: { ...asApiKey('alice@example.com'), 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(await h.dataSource.query(`SELECT id FROM intake.requests`)).toEqual([]);
    expect((await h.publishedEvents()).length).toBe(before);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });
});
