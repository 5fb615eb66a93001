import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { ManualClock, createEvent } from '@jit/events';
import { eventsOf, eventsOfRequest, publish, waitFor } from '@jit/events/testing';
import type { VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { CanonicalLogins1764000000400 } from '../src/migrations/1764000000400-canonical-logins.js';
import { startApprovalTestBed, type ApprovalTestBed } from './support/test-bed.js';

const apiKey = 'approval-int-test-demo-key';
const oktaToken = 'approval-int-test-okta-token';
const alice = 'alice@example.com';
const bob = 'bob@example.com';
const carol = 'carol@example.com';
const dave = 'dave@example.com';

describe('approval service (real NATS, Postgres and the Okta simulator)', () => {
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  let bed: ApprovalTestBed;
  let sim: VendorSim;
  let service: ApprovalTestBed['service'];
  let nc: NatsConnection;
  let db: pg.Client;
  let request: ApprovalTestBed['request'];
  let call: ApprovalTestBed['call'];
  let decide: ApprovalTestBed['decide'];
  let outboxed: ApprovalTestBed['outboxed'];
  let expectPublished: ApprovalTestBed['expectPublished'];

  beforeAll(async () => {
    bed = await startApprovalTestBed({
      apiKey,
      oktaToken,
      clock,
      template: {
        application: { id: 'github-admin', name: 'GitHub admin', oktaGroupId: '00g1githubadmin00003', owners: [carol] },
        durationSeconds: 3600,
        justification: 'INC-1234 hotfix',
      },
    });
    ({ sim, service, nc, db, request, call, decide, outboxed, expectPublished } = bed);
  });

  afterAll(() => bed.close());

  async function pendingFor(as?: string): Promise<{ requestId: string; approvers: string[]; stage: number }[]> {
    const response = await call('GET', '/v1/approvals?state=pending', { as });
    expect(response.status).toBe(200);
    return ((await response.json()) as { approvals: { requestId: string; approvers: string[]; stage: number }[] }).approvals;
  }

  /** Waits until the service has stored the approval of a request. */
  async function opened(requestId: string): Promise<void> {
    await waitFor(async () => (await db.query(`SELECT 1 FROM approval.approvals WHERE request_id = $1`, [requestId])).rowCount === 1, {
      what: `the approval of ${requestId}`,
    });
  }

  it('approves an auto-approved request at once, with one final approval caused by the request', async () => {
    const requested = await request({ kind: 'auto' });

    const [approved] = await waitFor(
      async () => {
        const found = await eventsOf(nc, service.topology, 'approved', requested.requestId);
        return found.length > 0 && found;
      },
      { what: 'the auto approval' },
    );

    expect(approved).toMatchObject({ actor: 'service:approval', causationId: requested.id, correlationId: requested.requestId });
    expect(approved.data).toEqual({ stage: 0, approver: 'policy:auto', final: true });
  });

  it("makes the requester's Okta manager the approver, and only the manager sees it waiting", async () => {
    const requested = await request({ kind: 'manager' });
    await opened(requested.requestId);

    expect((await pendingFor(bob)).filter((a) => a.requestId === requested.requestId)).toEqual([
      expect.objectContaining({ requestId: requested.requestId, approvers: [bob], stage: 0 }),
    ]);
    expect((await pendingFor(dave)).map((a) => a.requestId)).not.toContain(requested.requestId);
    expect((await pendingFor(alice)).map((a) => a.requestId)).not.toContain(requested.requestId);
    // An API key acting as itself approves nothing, so it is shown nothing to approve.
    expect((await pendingFor()).map((a) => a.requestId)).not.toContain(requested.requestId);
  });

  it('publishes the final approval when the manager approves', async () => {
    const requested = await request({ kind: 'manager' });
    await opened(requested.requestId);

    const answer = await decide(requested.requestId, bob, 'approve', 'go ahead');

    expect(answer).toEqual({ status: 200, body: { requestId: requested.requestId, state: 'approved', stage: 0, alreadyDecided: false } });
    const [approved] = await waitFor(
      async () => {
        const found = await eventsOf(nc, service.topology, 'approved', requested.requestId);
        return found.length > 0 && found;
      },
      { what: 'the approval on the stream' },
    );
    expect(approved).toMatchObject({ actor: bob, data: { stage: 0, approver: bob, final: true, comment: 'go ahead' } });
    expect((await pendingFor(bob)).map((a) => a.requestId)).not.toContain(requested.requestId);
  });

  it('refuses a requester approving their own request (403) and publishes nothing', async () => {
    const requested = await request({ kind: 'manager' });
    await opened(requested.requestId);

    const answer = await decide(requested.requestId, alice, 'approve');

    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('forbidden');
    expect(await outboxed(requested.requestId)).toEqual(['approval_opened']);
    await waitFor(async () => (await eventsOf(nc, service.topology, 'approval_opened', requested.requestId)).length === 1, {
      what: 'the opening on the stream',
    });
    expect(await eventsOfRequest(nc, service.topology, requested.requestId)).toEqual([
      requested,
      expect.objectContaining({ type: 'approval_opened', data: { stages: [{ source: 'manager', approvers: [bob] }] } }),
    ]);
  });

  it('an approver suspended in the directory can no longer decide (403), and nothing is published', async () => {
    const requested = await request({ kind: 'manager' });
    await opened(requested.requestId);
    const lifecycle = (action: string) =>
      fetch(`${sim.url}/api/v1/users/${bob}/lifecycle/${action}`, { method: 'POST', headers: { authorization: `SSWS ${oktaToken}` } });
    expect((await lifecycle('suspend')).status).toBe(200);
    try {
      const answer = await decide(requested.requestId, bob, 'approve');
      expect(answer.status).toBe(403);
      expect(answer.body.error.message).toBe(`${bob} is not an active user in the directory and can decide nothing`);
      expect(await outboxed(requested.requestId)).toEqual(['approval_opened']);
    } finally {
      expect((await lifecycle('unsuspend')).status).toBe(200);
    }
    expect((await decide(requested.requestId, bob, 'approve')).status).toBe(200);
  });

  it('a decision while the directory is down fails closed (503) and publishes nothing', async () => {
    const requested = await request({ kind: 'manager' });
    await opened(requested.requestId);
    sim.addFault({ vendor: 'okta', path: '/api/v1/users/*', status: 503 });
    try {
      const answer = await decide(requested.requestId, bob, 'approve');
      expect(answer.status).toBe(503);
      expect(answer.body.error).toMatchObject({
        code: 'unavailable',
        message: expect.stringContaining(`cannot confirm ${bob} is an active user`),
      });
      expect(await outboxed(requested.requestId)).toEqual(['approval_opened']);
    } finally {
      await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
    }
  });

  it('answers someone who is neither an approver nor the requester 404, as for an unknown id, whatever the state, and publishes nothing', async () => {
    const requested = await request({ kind: 'manager' });
    await opened(requested.requestId);
    const unknown = await decide(randomUUID(), dave, 'approve');

    const pending = await decide(requested.requestId, dave, 'approve');
    await decide(requested.requestId, bob, 'deny');
    const denied = await decide(requested.requestId, dave, 'approve', undefined, 0);

    expect(pending).toEqual({ status: 404, body: unknown.body });
    expect(denied).toEqual({ status: 404, body: unknown.body });
    expect(pending.body.error).toEqual({ code: 'not_found', message: 'no approval is known for this request' });
    await expectPublished(requested.requestId, ['approval_opened', 'denied']);
  });

  it("publishes a denial with the approver's comment, and a second decision is rejected (409) and publishes nothing", async () => {
    const requested = await request({ kind: 'manager' });
    await opened(requested.requestId);

    expect(await decide(requested.requestId, bob, 'deny', 'not during the freeze')).toEqual({
      status: 200,
      body: { requestId: requested.requestId, state: 'denied', stage: 0, alreadyDecided: false },
    });
    const again = await decide(requested.requestId, bob, 'approve');

    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe('the request is already denied');
    await waitFor(async () => (await eventsOf(nc, service.topology, 'denied', requested.requestId)).length === 1, { what: 'the denial' });
    expect(await outboxed(requested.requestId)).toEqual(['approval_opened', 'denied']);
    const events = await eventsOfRequest(nc, service.topology, requested.requestId);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['requested', requested.data],
      ['approval_opened', { stages: [{ source: 'manager', approvers: [bob] }] }],
      ['denied', { by: bob, reason: 'denied_by_approver', comment: 'not during the freeze' }],
    ]);
  });

  it('lets only one of two concurrent decisions win', async () => {
    const requested = await request({ kind: 'manager' });
    await opened(requested.requestId);

    const answers = await Promise.all([decide(requested.requestId, bob, 'approve'), decide(requested.requestId, bob, 'deny')]);

    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(await outboxed(requested.requestId)).toEqual(['approval_opened', answers[0].status === 200 ? 'approved' : 'denied']);
  });

  it('requires the manager and then the application owner, in that order, for a staged policy', async () => {
    const requested = await request({ kind: 'stages', stages: [{ kind: 'manager' }, { kind: 'owners' }] });
    await opened(requested.requestId);

    expect((await decide(requested.requestId, carol, 'approve')).status).toBe(403);
    expect(await decide(requested.requestId, bob, 'approve')).toEqual({
      status: 200,
      body: { requestId: requested.requestId, state: 'pending', stage: 1, alreadyDecided: false },
    });
    expect((await pendingFor(carol)).map((a) => a.requestId)).toContain(requested.requestId);
    expect(await decide(requested.requestId, carol, 'approve')).toEqual({
      status: 200,
      body: { requestId: requested.requestId, state: 'approved', stage: 1, alreadyDecided: false },
    });

    const approvals = await waitFor(
      async () => {
        const found = await eventsOf(nc, service.topology, 'approved', requested.requestId);
        return found.length === 2 && found;
      },
      { what: 'both approvals' },
    );
    expect(approvals.map((e) => e.data)).toEqual([
      { stage: 0, approver: bob, final: false },
      { stage: 1, approver: carol, final: true },
    ]);
  });

  it('never lets Carol@ approve her own request as carol@, the owner: she is no approver, and her decision is refused (403)', async () => {
    const requested = await request({ kind: 'stages', stages: [{ kind: 'owners' }] }, 'Carol@Example.com', { owners: [carol, dave] });
    await opened(requested.requestId);

    const answer = await decide(requested.requestId, carol, 'approve', undefined, 0);
    const shouting = await decide(requested.requestId, 'CAROL@example.com', 'approve');

    expect([answer.status, shouting.status]).toEqual([403, 403]);
    expect(answer.body.error.message).toBe('a requester can never decide on their own request');
    expect((await pendingFor(carol)).map((a) => a.requestId)).not.toContain(requested.requestId);
    await expectPublished(requested.requestId, ['approval_opened']);
    const [opening] = await eventsOf(nc, service.topology, 'approval_opened', requested.requestId);
    expect(opening.data).toEqual({ stages: [{ source: 'owners', approvers: [dave] }] });
  });

  it('lists and lets decide an approver whatever the case of the login they sign in with', async () => {
    const requested = await request({ kind: 'manager' });
    await opened(requested.requestId);

    expect((await pendingFor('Bob@Example.com')).map((a) => a.requestId)).toContain(requested.requestId);
    expect((await decide(requested.requestId, 'Bob@Example.com', 'approve', undefined, 0)).status).toBe(200);

    const [approved] = await waitFor(
      async () => {
        const found = await eventsOf(nc, service.topology, 'approved', requested.requestId);
        return found.length > 0 && found;
      },
      { what: 'the approval' },
    );
    expect(approved).toMatchObject({ actor: bob, data: { approver: bob } });
  });

  it('an approval stored before logins were canonical is listed for and decided by its approver once migrated', async () => {
    const requested = await request({ kind: 'manager' });
    await opened(requested.requestId);
    await db.query(
      `UPDATE approval.approvals SET requester = 'Alice@Example.com', stages = '[["Bob@Example.com"]]', approvers = '["Bob@Example.com"]' WHERE request_id = $1`,
      [requested.requestId],
    );
    const source = await new DataSource({ type: 'postgres', url: service.databaseUrl, schema: 'approval' }).initialize();
    const runner = source.createQueryRunner();
    try {
      await new CanonicalLogins1764000000400().up(runner);
    } finally {
      await runner.release();
      await source.destroy();
    }

    expect((await pendingFor(bob)).map((a) => a.requestId)).toContain(requested.requestId);
    expect((await decide(requested.requestId, alice, 'approve')).status).toBe(403);
    expect((await decide(requested.requestId, bob, 'approve', undefined, 0)).status).toBe(200);
    await expectPublished(requested.requestId, ['approval_opened', 'approved']);
  });

  it('a manager who is also an owner approves one stage; the second stays pending and needs someone else (403)', async () => {
    const requested = await request({ kind: 'stages', stages: [{ kind: 'manager' }, { kind: 'owners' }] }, alice, { owners: [bob, carol] });
    await opened(requested.requestId);

    expect((await decide(requested.requestId, bob, 'approve', undefined, 0)).status).toBe(200);
    const second = await decide(requested.requestId, bob, 'approve', undefined, 1);

    expect(second.status).toBe(403);
    expect(second.body.error).toMatchObject({
      code: 'one_stage_per_person',
      message: `${bob} already approved stage 0 of this request and one person approves one stage: stage 1 needs someone else (${carol})`,
    });
    expect((await pendingFor(carol)).find((a) => a.requestId === requested.requestId)).toMatchObject({ stage: 1 });
    expect((await pendingFor(bob)).map((a) => a.requestId)).not.toContain(requested.requestId);
    await expectPublished(requested.requestId, ['approval_opened', 'approved']);
  });

  it('an answer for a stage that is no longer current changes nothing and says so (409 stale_stage)', async () => {
    const requested = await request({ kind: 'stages', stages: [{ kind: 'users', users: [bob, dave] }, { kind: 'owners' }] }, alice, {
      owners: [carol, dave],
    });
    await opened(requested.requestId);
    expect((await decide(requested.requestId, bob, 'approve', undefined, 0)).status).toBe(200);

    // Dave was shown stage 0; applied to stage 1, which he may also decide, his answer would approve the request.
    const stale = await decide(requested.requestId, dave, 'approve', undefined, 0);

    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'stale_stage',
      message: 'the answer was for stage 0, which is no longer open: stage 1 is waiting; nothing was changed',
    });
    await expectPublished(requested.requestId, ['approval_opened', 'approved']);
  });

  it('a repeated decision (a double click, a client retry) is answered as already decided, and publishes one approval', async () => {
    const requested = await request({ kind: 'manager' });
    await opened(requested.requestId);

    const answers = [
      await decide(requested.requestId, bob, 'approve', undefined, 0),
      await decide(requested.requestId, bob, 'approve', undefined, 0),
      await decide(requested.requestId, bob, 'approve'),
    ];

    expect(answers.map((a) => [a.status, a.body.alreadyDecided])).toEqual([
      [200, false],
      [200, true],
      [200, true],
    ]);
    await expectPublished(requested.requestId, ['approval_opened', 'approved']);
  });

  it('publishes who may approve each stage, as resolved when the request arrived, in an approval_opened event', async () => {
    const requested = await request({
      kind: 'stages',
      stages: [{ kind: 'manager' }, { kind: 'owners' }, { kind: 'users', users: [dave, alice, dave] }],
    });

    const [opening] = await waitFor(
      async () => {
        const found = await eventsOf(nc, service.topology, 'approval_opened', requested.requestId);
        return found.length > 0 && found;
      },
      { what: 'the approval opening on the stream' },
    );

    expect(opening).toMatchObject({ actor: 'service:approval', causationId: requested.id, correlationId: requested.requestId });
    expect(opening.data).toEqual({
      stages: [
        { source: 'manager', approvers: [bob] },
        { source: 'owners', approvers: [carol] },
        { source: 'users', approvers: [dave] },
      ],
    });
    expect((await eventsOfRequest(nc, service.topology, requested.requestId)).map((e) => e.type)).toEqual(['requested', 'approval_opened']);
  });

  it('denies a request nobody but the requester could approve (no manager in Okta)', async () => {
    const requested = await request({ kind: 'manager' }, bob);

    const [denied] = await waitFor(
      async () => {
        const found = await eventsOf(nc, service.topology, 'denied', requested.requestId);
        return found.length > 0 && found;
      },
      { what: 'the policy denial' },
    );

    expect(denied.data).toEqual({ by: 'policy', reason: 'no_eligible_approver' });
  });

  it('waits out an Okta outage: the request is retried and gets its manager, never denied for want of one', async () => {
    sim.addFault({ vendor: 'okta', method: 'GET', path: '/api/v1/users/*', status: 503, count: 5 });
    const requested = await request({ kind: 'manager' });

    await waitFor(async () => (await pendingFor(bob)).some((a) => a.requestId === requested.requestId), {
      timeoutMs: 20_000,
      what: 'the approval once Okta is back',
    });

    expect(sim.faults()).toEqual([]);
    expect(await outboxed(requested.requestId)).toEqual(['approval_opened']);
  });

  it('opens an approval once even when the request arrives twice, and approves it once', async () => {
    const requested = await request({ kind: 'auto' });
    const again = { ...requested, id: randomUUID() };
    await publish(nc, service.topology, again);

    await waitFor(async () => (await db.query(`SELECT 1 FROM approval.inbox WHERE event_id = $1`, [again.id])).rowCount === 1, {
      what: 'the second delivery to be handled',
    });

    expect(await outboxed(requested.requestId)).toEqual(['approval_opened', 'approved']);
  });

  it('rejects a decision on a cancelled request (409)', async () => {
    const requested = await request({ kind: 'manager' });
    await opened(requested.requestId);
    await publish(
      nc,
      service.topology,
      createEvent({ type: 'cancelled', data: { by: alice } }, { requestId: requested.requestId, actor: alice, cause: requested }, clock),
    );
    await waitFor(
      async () =>
        (await db.query(`SELECT state FROM approval.approvals WHERE request_id = $1`, [requested.requestId])).rows[0]?.state ===
        'cancelled',
      {
        what: 'the cancellation',
      },
    );

    const answer = await decide(requested.requestId, bob, 'approve');

    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toBe('the request is already cancelled');
    expect(await outboxed(requested.requestId)).toEqual(['approval_opened']);
  });

  it('answers 400 naming the bad field (a comment over its limit says the limit), 404 for a request it never heard of, and publishes nothing', async () => {
    const requested = await request({ kind: 'manager' });
    await opened(requested.requestId);

    const bad = await decide(requested.requestId, bob, 'maybe');
    const badStage = await decide(requested.requestId, bob, 'approve', undefined, -1);
    const badId = await decide('not-a-uuid', bob, 'approve');
    const longComment = await decide(requested.requestId, bob, 'approve', 'x'.repeat(2001));
    const unknown = await decide(randomUUID(), bob, 'approve');

    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^decision: /);
    expect(badStage.status).toBe(400);
    expect(badStage.body.error.message).toMatch(/^stage: /);
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toMatch(/^requestId: /);
    expect(longComment.status).toBe(400);
    expect(longComment.body.error.message).toBe('comment: must be at most 2000 characters');
    expect(unknown.status).toBe(404);
    await expectPublished(requested.requestId, ['approval_opened']);
  });

  it('lists approvals in pages, each pending one once, and refuses a page over the largest with a 400 naming limit', async () => {
    for (let i = 0; i < 3; i++) await opened((await request({ kind: 'manager' })).requestId);
    // Bob's: the caller sees only the approvals they may decide now.
    const [{ count }] = (
      await db.query(
        `SELECT count(*)::int AS count FROM approval.approvals
          WHERE state = 'pending' AND approvers @> $1::jsonb AND NOT decisions @> $2::jsonb`,
        [JSON.stringify([bob]), JSON.stringify([{ by: bob, outcome: 'approved' }])],
      )
    ).rows;
    expect(count).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await call('GET', `/v1/approvals?state=pending&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { as: bob });
      const page = (await response.json()) as { approvals: { requestId: string }[]; nextCursor: string | null };
      expect(page.approvals.length).toBeLessThanOrEqual(2);
      seen.push(...page.approvals.map((a) => a.requestId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(count);
    expect(new Set(seen).size).toBe(count);
    const tooMany = await call('GET', '/v1/approvals?limit=1001');
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { message: string } }).error.message).toMatch(/^limit: must be at most 1000/);
  });

  it('lists a pending extension of granted access to its approvers (marked, with the current expiry), and decides it through the decision route', async () => {
    const requested = await request({ kind: 'manager' }, alice, { maxTotalSeconds: 4 * 3600 });
    const id = requested.requestId;
    await opened(id);
    expect((await decide(id, bob, 'approve')).status).toBe(200);
    const provisioner = { requestId: id, actor: 'service:provisioner' };
    const expiresAt = new Date(clock.now().getTime() + 3600_000).toISOString();
    const grant = {
      requester: alice,
      applicationId: 'github-admin',
      oktaGroupId: '00g1githubadmin00003',
      oktaUserId: '00u1alice0000000000a',
      grantedAt: clock.now().toISOString(),
      expiresAt,
      membership: 'added' as const,
    };
    await publish(nc, service.topology, createEvent({ type: 'granted', data: grant }, provisioner, clock));
    const asked = { by: alice, durationSeconds: 1800, justification: 'INC-1234 the fix is still rolling out' };
    await publish(nc, service.topology, createEvent({ type: 'extension_requested', data: asked }, { requestId: id, actor: alice }, clock));
    const listedFor = async (as: string) => (await pendingFor(as)).filter((a) => a.requestId === id);
    const [listed] = await waitFor(
      async () => {
        const found = await listedFor(bob);
        return found.length > 0 && found;
      },
      { what: 'the extension to be listed for bob' },
    );

    expect(listed).toMatchObject({
      requestId: id,
      requester: alice,
      state: 'approved',
      durationSeconds: 3600,
      extension: { index: 0, durationSeconds: 1800, justification: asked.justification, expiresAt },
    });
    expect(await listedFor(alice)).toEqual([]);
    expect(await listedFor(carol)).toEqual([]);
    const before = await outboxed(id);
    const both = await call('POST', `/v1/approvals/${id}/decision`, { as: bob, body: { decision: 'approve', stage: 0, extension: 0 } });
    expect(both.status).toBe(400);
    expect(((await both.json()) as { error: { message: string } }).error.message).toMatch(/^extension: /);
    const byCarol = await call('POST', `/v1/approvals/${id}/decision`, { as: carol, body: { decision: 'approve', extension: 0 } });
    expect(byCarol.status).toBe(404);
    expect(await outboxed(id)).toEqual(before);

    const approved = await call('POST', `/v1/approvals/${id}/decision`, { as: bob, body: { decision: 'approve', extension: 0 } });

    expect(approved.status).toBe(200);
    expect(await outboxed(id)).toEqual([...before, 'extension_approved']);
    const [event] = await waitFor(
      async () => {
        const found = await eventsOf(nc, service.topology, 'extension_approved', id);
        return found.length > 0 && found;
      },
      { what: 'the extension approval on the stream' },
    );
    expect(event).toMatchObject({ actor: bob, data: { by: bob, durationSeconds: 1800 } });
    expect(await listedFor(bob)).toEqual([]);
  });

  it('needs a bearer token', async () => {
    const response = await fetch(`${service.url}/v1/approvals?state=pending`);

    expect(response.status).toBe(401);
  });
});
