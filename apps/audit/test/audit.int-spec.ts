import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import pg from 'pg';
import { ManualClock, createEvent, subjectFor, type AccessEvent, type EventType, type Via } from '@jit/events';
import { connectTestNats, deleteTopology, sampleData, sampleEvent, waitFor } from '@jit/events/testing';
import { startAuditService } from './support/audit-service.js';

const apiKey = 'audit-test-key-0123456789';

describe('audit store', () => {
  let service: Awaited<ReturnType<typeof startAuditService>>;
  let nc: Awaited<ReturnType<typeof connectTestNats>>;
  let db: pg.Client;

  beforeAll(async () => {
    service = await startAuditService('audit', { JIT_DEMO_API_KEY: apiKey, AUDITORS: 'dave@example.com' });
    nc = await connectTestNats();
    db = new pg.Client({ connectionString: service.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await service.stop();
    await db.end();
    await deleteTopology(nc, service.topology);
    await nc.close();
  });

  async function publish(event: AccessEvent, msgID = event.id): Promise<void> {
    await jetstream(nc).publish(subjectFor(service.topology, event.type), JSON.stringify(event), { msgID });
  }

  async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const response = await fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${apiKey}`, ...headers } });
    return { status: response.status, body: await response.json() };
  }

  async function recordLifecycle(requestId: string): Promise<AccessEvent[]> {
    const types: EventType[] = ['requested', 'approved', 'granted', 'expired', 'revoked'];
    const events = types.map((type) => sampleEvent(type, requestId));
    for (const event of events) await publish(event);
    await waitFor(async () => (await get(`/v1/audit/requests/${requestId}/timeline`)).body.events?.length === types.length, {
      what: 'the whole lifecycle recorded',
    });
    return events;
  }

  it('stores every event once, in stream order, and lists a request timeline', async () => {
    const requestId = randomUUID();
    const events = await recordLifecycle(requestId);
    await publish(events[2], `${events[2].id}-redelivered`);
    await publish(sampleEvent('requested', 'someone-else'));
    await waitFor(async () => (await get('/v1/audit/events?requestId=someone-else')).body.events.length === 1, { what: 'the other event' });

    const { body } = await get(`/v1/audit/requests/${requestId}/timeline`);
    expect(body.events.map((e: AccessEvent) => e.type)).toEqual(['requested', 'approved', 'granted', 'expired', 'revoked']);
    expect(body.events.map((e: AccessEvent) => e.id)).toEqual(events.map((e) => e.id));
    const seqs = body.events.map((e: { streamSeq: number }) => e.streamSeq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('events that arrive together are recorded in shared transactions, one chain link each, and the chain verifies across them', async () => {
    const requestIds = Array.from({ length: 30 }, () => randomUUID());
    await Promise.all(requestIds.map((requestId) => publish(sampleEvent('requested', requestId))));
    const rows = await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT position, xmin::text AS tx FROM audit.audit_events WHERE request_id = ANY($1) ORDER BY position`,
          [requestIds],
        );
        return rows.length === requestIds.length && rows;
      },
      { what: 'every event recorded' },
    );
    expect(new Set(rows.map((row: { tx: string }) => row.tx)).size).toBeLessThan(requestIds.length);
    expect(new Set(rows.map((row: { position: string }) => row.position)).size).toBe(requestIds.length);
    expect((await get('/v1/audit/verify')).body).toMatchObject({ ok: true });
  });

  it('keeps an event exactly as it was published, older versions included, and the chain verifies over it', async () => {
    const requestId = randomUUID();
    await publish(sampleEvent('requested', requestId));
    const v1 = { ...sampleEvent('denied', requestId), version: 1, data: { by: 'bob@example.com', reason: 'not on call this week' } };
    await publish(v1 as AccessEvent);
    const { body } = await waitFor(
      async () => {
        const answer = await get(`/v1/audit/requests/${requestId}/timeline`);
        return answer.body.events?.length === 2 && answer;
      },
      { what: 'both events recorded' },
    );
    expect(body.events[1]).toMatchObject({ id: v1.id, version: 1, data: v1.data });
    expect((await get('/v1/audit/verify')).body).toMatchObject({ ok: true });
  });

  it('filters events by requester, application and type, and pages with a cursor', async () => {
    const requestId = randomUUID();
    await recordLifecycle(requestId);
    const granted = await get(
      `/v1/audit/events?requester=alice@example.com&applicationId=demo-sandbox&type=granted&requestId=${requestId}`,
    );
    expect(granted.body.events).toHaveLength(1);
    expect(granted.body.events[0]).toMatchObject({ type: 'granted', requestId });
    const revoked = await get(`/v1/audit/events?requestId=${requestId}&requester=alice@example.com&type=revoked`);
    expect(revoked.body.events).toHaveLength(1);

    const first = await get(`/v1/audit/events?requestId=${requestId}&limit=2`);
    expect(first.body.events).toHaveLength(2);
    const second = await get(`/v1/audit/events?requestId=${requestId}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.events[0].position).toBeGreaterThan(first.body.events[1].position);
  });

  it('finds a requester whatever the case of the login asked for or published in older events', async () => {
    const requestId = randomUUID();
    const requested = sampleEvent('requested', requestId);
    const older = { ...requested, data: { ...requested.data, requester: 'Erin.Old@Example.com' } };
    await publish(older);
    await waitFor(async () => (await get(`/v1/audit/events?requestId=${requestId}`)).body.events?.length === 1, { what: 'the event' });

    const found = await Promise.all(
      ['erin.old@example.com', 'ERIN.OLD@example.com'].map((login) => get(`/v1/audit/events?requester=${encodeURIComponent(login)}`)),
    );

    expect(found.map(({ body }) => body.events.map((e: AccessEvent) => e.id))).toEqual([[older.id], [older.id]]);
  });

  it('recognises an auditor listed in AUDITORS whatever the case they sign in with', async () => {
    expect((await get('/v1/audit/verify', { 'on-behalf-of': 'Dave@Example.COM' })).status).toBe(200);
  });

  it('rejects a bad filter with a 400 naming it, and a non-auditor with a 403', async () => {
    const bad = await get('/v1/audit/events?type=teleported');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: {
        code: 'invalid_request',
        message: expect.stringMatching(/^type: expected one of requested/),
        details: { issues: [{ field: 'type', message: expect.stringMatching(/^expected one of requested/) }] },
      },
    });
    const unknown = await get('/v1/audit/events?colour=blue');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^colour: /);
    expect(unknown.body.error.details.issues).toEqual([{ field: 'colour', message: expect.any(String) }]);
    const limit = await get('/v1/audit/events?limit=0');
    expect(limit.status).toBe(400);
    expect(limit.body.error.details.issues).toEqual([{ field: 'limit', message: expect.any(String) }]);
    const longId = await get(`/v1/audit/requests/${'r'.repeat(201)}/timeline`);
    expect(longId.status).toBe(400);
    expect(longId.body.error).toEqual({
      code: 'invalid_request',
      message: 'id: must be at most 200 characters',
      details: { issues: [{ field: 'id', message: 'must be at most 200 characters' }] },
    });
    expect((await get('/v1/audit/verify', { 'on-behalf-of': 'alice@example.com' })).status).toBe(403);
    expect((await get('/v1/audit/verify', { 'on-behalf-of': 'dave@example.com' })).status).toBe(200);
    expect((await fetch(`${service.url}/v1/audit/verify`)).status).toBe(401);
  });

  it('reports who held access when, as JSON and CSV, filtered by application and time window', async () => {
    const clock = new ManualClock('2026-05-01T09:00:00.000Z');
    const at = (iso: string): ManualClock => (clock.set(iso), clock);
    const ended = randomUUID();
    const open = randomUUID();
    const app = `report-app-${randomUUID().slice(0, 8)}`;
    const requested = (requestId: string, justification: string, via?: Via): AccessEvent =>
      createEvent(
        {
          type: 'requested',
          data: { ...sampleData.requested, justification, application: { ...sampleData.requested.application, id: app } },
        },
        { requestId, actor: 'alice@example.com', via },
        at('2026-05-01T09:00:00.000Z'),
      );
    const granted = (requestId: string, grantedAt: string, expiresAt: string): AccessEvent =>
      createEvent(
        { type: 'granted', data: { ...sampleData.granted, applicationId: app, grantedAt, expiresAt } },
        { requestId, actor: 'service:provisioner' },
        at(grantedAt),
      );
    const events: AccessEvent[] = [
      // Asked for through one key acting for alice, approved through another acting for bob; the other request names no key.
      requested(ended, 'INC-1, "db down"', { kind: 'api_key', name: 'portal' }),
      createEvent(
        { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true } },
        { requestId: ended, actor: 'bob@example.com', via: { kind: 'api_key', name: 'approvals-bot' } },
        clock,
      ),
      granted(ended, '2026-05-01T10:00:00.000Z', '2026-05-01T11:00:00.000Z'),
      createEvent(
        { type: 'extended', data: { by: 'bob@example.com', expiresAt: '2026-05-01T12:00:00.000Z' } },
        { requestId: ended, actor: 'bob@example.com' },
        clock,
      ),
      createEvent(
        { type: 'revoked', data: { reason: 'relinquished', revokedAt: '2026-05-01T11:30:00.000Z' } },
        { requestId: ended, actor: 'service:provisioner' },
        clock,
      ),
      requested(open, 'INC-2'),
      granted(open, '2026-05-02T10:00:00.000Z', '2026-05-02T12:00:00.000Z'),
    ];
    for (const event of events) await publish(event);
    await waitFor(async () => (await get(`/v1/audit/events?applicationId=${app}`)).body.events.length === events.length, {
      what: 'the report events',
    });

    const all = await get(`/v1/audit/access-report?applicationId=${app}`);
    expect(all.body.periods).toEqual([
      {
        requestId: ended,
        requester: 'alice@example.com',
        applicationId: app,
        oktaGroupId: '00gdemosandbox',
        justification: 'INC-1, "db down"',
        approvers: ['bob@example.com'],
        requestedVia: 'api_key:portal',
        approvedVia: ['api_key:approvals-bot'],
        grantedAt: '2026-05-01T10:00:00.000Z',
        expiresAt: '2026-05-01T12:00:00.000Z',
        revokedAt: '2026-05-01T11:30:00.000Z',
        revokeReason: 'relinquished',
      },
      expect.objectContaining({
        requestId: open,
        grantedAt: '2026-05-02T10:00:00.000Z',
        revokedAt: null,
        approvers: [],
        requestedVia: null,
        approvedVia: [],
      }),
    ]);
    // The timeline shows the events as recorded: the person as actor and the key as via.
    const timeline = await get(`/v1/audit/requests/${ended}/timeline`);
    expect(timeline.body.events.slice(0, 2)).toEqual([
      expect.objectContaining({ type: 'requested', actor: 'alice@example.com', via: { kind: 'api_key', name: 'portal' } }),
      expect.objectContaining({ type: 'approved', actor: 'bob@example.com', via: { kind: 'api_key', name: 'approvals-bot' } }),
    ]);
    // Pages follow the grants in chain order; together they hold every period once.
    const firstPage = await get(`/v1/audit/access-report?applicationId=${app}&limit=1`);
    expect(firstPage.body.periods).toHaveLength(1);
    const secondPage = await get(`/v1/audit/access-report?applicationId=${app}&limit=1&cursor=${firstPage.body.nextCursor}`);
    expect(secondPage.body.nextCursor).toBeNull();
    expect([...firstPage.body.periods, ...secondPage.body.periods]).toEqual(expect.arrayContaining(all.body.periods));
    expect(secondPage.body.periods).toHaveLength(1);
    expect(secondPage.body.periods).not.toEqual(firstPage.body.periods);
    // A window after the first period ended sees only the second; one before the second began, only the first.
    const later = await get(`/v1/audit/access-report?applicationId=${app}&from=2026-05-01T12:00:00Z`);
    expect(later.body.periods.map((p: { requestId: string }) => p.requestId)).toEqual([open]);
    const earlier = await get(`/v1/audit/access-report?applicationId=${app}&to=2026-05-02T00:00:00Z`);
    expect(earlier.body.periods.map((p: { requestId: string }) => p.requestId)).toEqual([ended]);

    const response = await fetch(`${service.url}/v1/audit/access-report?applicationId=${app}`, {
      headers: { authorization: `Bearer ${apiKey}`, accept: 'text/csv' },
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'requestId,requester,applicationId,oktaGroupId,justification,approvers,requestedVia,approvedVia,grantedAt,expiresAt,revokedAt,revokeReason',
    );
    expect(lines[1]).toBe(
      `${ended},alice@example.com,${app},00gdemosandbox,"INC-1, ""db down""",bob@example.com,api_key:portal,api_key:approvals-bot,2026-05-01T10:00:00.000Z,2026-05-01T12:00:00.000Z,2026-05-01T11:30:00.000Z,relinquished`,
    );
    expect(lines).toHaveLength(3);
    const badWindow = await get('/v1/audit/access-report?from=yesterday');
    expect(badWindow.status).toBe(400);
    expect(badWindow.body.error).toMatchObject({ code: 'invalid_request', details: { issues: [{ field: 'from' }] } });
    expect(badWindow.body.error.message).toMatch(/^from: expected an ISO 8601 date-time/);
  });

  it('records who could approve (approval_opened) under the request, so an auditor finds it by requester and application', async () => {
    const requestId = randomUUID();
    await publish(sampleEvent('requested', requestId));
    const opened = sampleEvent('approval_opened', requestId);
    await publish(opened);
    const found = await waitFor(
      async () => {
        const { body } = await get(
          `/v1/audit/events?requestId=${requestId}&requester=alice@example.com&applicationId=demo-sandbox&type=approval_opened`,
        );
        return body.events.length === 1 && body.events[0];
      },
      { what: 'the approval_opened event' },
    );
    expect(found).toMatchObject({
      id: opened.id,
      type: 'approval_opened',
      data: { stages: [{ source: 'users', approvers: ['bob@example.com'] }] },
    });
  });

  it('refuses to update or delete a stored event', async () => {
    await recordLifecycle(randomUUID());
    await expect(db.query(`UPDATE audit.audit_events SET actor = 'mallory'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM audit.audit_events`)).rejects.toThrow(/append-only/);
  });

  it('lists and verification answer in pages: a limit over the largest page is a 400 naming limit', async () => {
    for (const path of [
      '/v1/audit/events?limit=1001',
      '/v1/audit/verify?limit=1001',
      '/v1/audit/access-report?limit=1001',
      `/v1/audit/requests/${randomUUID()}/timeline?limit=1001`,
    ]) {
      const answer = await get(path);
      expect({ path, status: answer.status, message: answer.body.error.message }).toEqual({
        path,
        status: 400,
        message: expect.stringMatching(/^limit: must be at most 1000/),
      });
    }
    expect((await get('/v1/audit/events?cursor=12')).body.error.message).toMatch(/^cursor: /);
  });

  it('a timeline is paged in stream order', async () => {
    const requestId = randomUUID();
    const events = await recordLifecycle(requestId);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await get(
        `/v1/audit/requests/${requestId}/timeline?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.events.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.events.map((e: AccessEvent) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(events.map((e) => e.id));
  });

  it('a NUL byte in a request id is a 400 naming the path, not a 500 from Postgres', async () => {
    const answer = await get('/v1/audit/requests/abc%00def/timeline');
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^\(path\): must not contain control characters/);
  });

  it('verification walks the chain in pages, each naming the range it checked, resumable from its cursor', async () => {
    await recordLifecycle(randomUUID());
    const { rows } = await db.query(`SELECT count(*)::int AS count FROM audit.audit_events`);
    const total = rows[0].count;
    const ranges: { from: number; to: number }[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await get(`/v1/audit/verify?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.ok).toBe(true);
      ranges.push(page.body.range);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ranges[0].from).toBe(1);
    expect(ranges.at(-1)!.to).toBe(total);
    ranges.slice(1).forEach((range, i) => expect(range.from).toBe(ranges[i].to + 1));
    expect(ranges.every((r) => r.to - r.from + 1 <= 3)).toBe(true);
    const whole = await get('/v1/audit/verify');
    expect(whole.body).toMatchObject({ ok: true, checked: total, range: { from: 1, to: total }, nextCursor: null });
  });

  it('verifies the hash chain and reports the first broken link after tampering', async () => {
    const requestId = randomUUID();
    await recordLifecycle(requestId);
    const clean = await get('/v1/audit/verify');
    expect(clean.body).toMatchObject({ ok: true });
    expect(clean.body.checked).toBeGreaterThanOrEqual(5);

    const [target] = (await db.query(`SELECT position FROM audit.audit_events WHERE request_id = $1 AND type = 'granted'`, [requestId]))
      .rows;
    // Someone with table-owner rights switches the guard off and rewrites history.
    await db.query(`ALTER TABLE audit.audit_events DISABLE TRIGGER audit_events_append_only`);
    await db.query(
      `UPDATE audit.audit_events SET event = jsonb_set(event, '{data,expiresAt}', '"2099-01-01T00:00:00.000Z"') WHERE position = $1`,
      [target.position],
    );
    await db.query(`ALTER TABLE audit.audit_events ENABLE TRIGGER audit_events_append_only`);

    const broken = await get('/v1/audit/verify');
    expect(broken.body).toMatchObject({
      ok: false,
      firstBrokenLink: { position: Number(target.position), reason: 'hash does not match the stored content' },
    });
    let page: { status: number; body: any } = await get('/v1/audit/verify?limit=2');
    while (page.body.ok && page.body.nextCursor) page = await get(`/v1/audit/verify?limit=2&cursor=${page.body.nextCursor}`);
    expect(page.body).toMatchObject({ ok: false, firstBrokenLink: { position: Number(target.position) }, nextCursor: null });
  });
});
