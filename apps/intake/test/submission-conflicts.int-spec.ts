import { waitFor } from '@jit/events/testing';
import { asApiKey, startIntake, type IntakeHarness } from './support/intake.js';

const request = { applicationId: 'demo-sandbox', duration: 'PT15M', justification: 'INC-7 needs the sandbox' };

describe('one submission, one request', () => {
  let h: IntakeHarness;
  let people = 0;
  const someone = (): string => `conflict-${++people}@example.com`;

  beforeAll(async () => {
    h = await startIntake('intake_conflicts');
  });

  afterAll(async () => {
    await h?.close();
  });

  async function written(): Promise<{ rows: number; events: number }> {
    const [{ count }] = await h.dataSource.query(`SELECT count(*)::int AS count FROM intake.requests`);
    return { rows: count, events: (await h.publishedEvents()).length };
  }

  const submit = (requester: string, body: object = request, key?: string) =>
    h.call('POST', '/v1/requests', { headers: { ...asApiKey(requester), ...(key ? { 'idempotency-key': key } : {}) }, body });

  it('20 simultaneous POSTs with one Idempotency-Key create exactly one request and publish one requested', async () => {
    const requester = someone();
    const before = await h.publishedEvents();
    const answers = await Promise.all(Array.from({ length: 20 }, () => submit(requester, request, 'burst-1')));
    const [first] = answers;
    expect(first).toEqual({ status: 202, body: { id: expect.any(String), status: 'pending' } });
    expect(answers).toEqual(Array.from({ length: 20 }, () => first));
    const rows = await h.dataSource.query(`SELECT id FROM intake.requests WHERE requester = $1`, [requester]);
    expect(rows).toEqual([{ id: first.body.id }]);
    const published = (await h.publishedEvents()).slice(before.length);
    expect(published.map((e) => [e.type, e.requestId])).toEqual([['requested', first.body.id]]);
  });

  it('the same Idempotency-Key with another body is 409, even when both arrive at once, and only one is stored', async () => {
    const requester = someone();
    const before = await written();
    const answers = await Promise.all([
      submit(requester, request, 'twins-1'),
      submit(requester, { ...request, justification: 'something else' }, 'twins-1'),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/^Idempotency-Key: /) });
    expect(await written()).toEqual({ rows: before.rows + 1, events: before.events + 1 });
  });

  it('a second open request by one person for one application is 409 naming the first, and nothing is stored or published', async () => {
    const requester = someone();
    const first = await submit(requester);
    const before = await written();
    const second = await submit(requester, { ...request, justification: 'again' });
    expect(second.status).toBe(409);
    expect(second.body.error).toEqual({
      code: 'conflict',
      message: expect.stringContaining(`${requester} already has an open request for demo-sandbox (${first.body.id}, pending)`),
      details: { field: 'applicationId', requestId: first.body.id, status: 'pending' },
    });
    expect(await written()).toEqual(before);
  });

  it('20 simultaneous requests by one person for one application, each with its own key, create exactly one', async () => {
    const requester = someone();
    const before = await written();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => submit(requester, request, `own-key-${i}`)));
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.error.details.requestId)).toEqual(
      Array.from({ length: 19 }, () => accepted[0].body.id),
    );
    expect(await written()).toEqual({ rows: before.rows + 1, events: before.events + 1 });
  });

  it('another application, or the same one once the first request is cancelled, may be asked for', async () => {
    const requester = someone();
    const first = await submit(requester);
    expect((await submit(requester, { ...request, applicationId: 'aws-prod-console', duration: '1h' })).status).toBe(202);
    await h.call('POST', `/v1/requests/${first.body.id}/cancel`, { headers: asApiKey(requester) });
    expect((await submit(requester)).status).toBe(202);
  });

  it('a grant that lands after a cancel, when a newer request is open, still shows and is never dead-lettered', async () => {
    const requester = someone();
    const cancelled = await submit(requester);
    await h.call('POST', `/v1/requests/${cancelled.body.id}/cancel`, { headers: asApiKey(requester) });
    const newer = await submit(requester);
    expect(newer.status).toBe(202);
    const now = Date.now();
    await h.publish(cancelled.body.id, {
      type: 'granted',
      data: {
        requester,
        applicationId: 'demo-sandbox',
        oktaGroupId: '00g1demosandbox00001',
        oktaUserId: '00u1someone',
        grantedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 900_000).toISOString(),
        ticketKey: 'JIT-9',
        membership: 'added',
      },
    });
    await h.statusBecomes(cancelled.body.id, 'granted');
    expect((await h.call('GET', `/v1/requests/${newer.body.id}`, { headers: asApiKey() })).body.status).toBe('pending');
    await waitFor(async () => (await h.deadLetters()) === 0, { what: 'no dead letters' });
  });

  it.each([
    ['a NUL byte in the justification', { ...request, justification: 'INC-7\u0000' }, 'justification'],
    ['an escape sequence in the justification', { ...request, justification: 'INC-7 \u001b[2J' }, 'justification'],
    ['a NUL byte in the application id', { ...request, applicationId: 'demo-sandbox\u0000' }, 'applicationId'],
    ['a line break in the requester', { ...request, requester: 'x@example.com\nBcc: y@example.com' }, 'requester'],
  ])('%s is a 400 naming the field, and nothing is stored or published', async (_, body, field) => {
    const before = await written();
    const answer = await h.call('POST', '/v1/requests', { headers: asApiKey(), body });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(new RegExp(`^${field}: `)) });
    expect(await written()).toEqual(before);
  });

  it('a justification laid out with line breaks and tabs is free text, and accepted', async () => {
    const answer = await submit(someone(), { ...request, justification: 'INC-7\n\tstep one\r\n\tstep two' });
    expect(answer.status).toBe(202);
  });
});
