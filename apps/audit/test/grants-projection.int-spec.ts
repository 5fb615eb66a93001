import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createEvent, ManualClock, type AccessEvent, type EventDraft } from '@jit/events';
import { connectTestNats, deleteTopology, publish, sampleData, waitFor } from '@jit/events/testing';
import { startAuditService } from './support/audit-service.js';

const apiKey = 'audit-grants-test-key-0123';

describe('the grants projection', () => {
  let service: Awaited<ReturnType<typeof startAuditService>>;
  let nc: Awaited<ReturnType<typeof connectTestNats>>;
  let owner: pg.Client;

  beforeAll(async () => {
    service = await startAuditService('audit_grants', { JIT_DEMO_API_KEY: apiKey });
    nc = await connectTestNats();
    owner = new pg.Client({ connectionString: service.databaseUrl });
    await owner.connect();
  });

  afterAll(async () => {
    await service.stop();
    await owner.end();
    await deleteTopology(nc, service.topology);
    await nc.close();
  });

  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  const event = (requestId: string, draft: EventDraft, actor: string, via?: AccessEvent['via']): AccessEvent =>
    createEvent(draft, { requestId, actor, ...(via ? { via } : {}) }, clock);
  const grantRow = async (requestId: string): Promise<Record<string, unknown> | undefined> =>
    (await owner.query(`SELECT * FROM audit.grants WHERE request_id = $1`, [requestId])).rows[0];
  const recorded = async (requestId: string, count: number): Promise<void> => {
    await waitFor(
      async () => (await owner.query(`SELECT 1 FROM audit.audit_events WHERE request_id = $1`, [requestId])).rowCount === count,
      { what: `the ${count} events of ${requestId} recorded` },
    );
  };

  it('holds one row per grant: approvers, the expiry after an extension, and who revoked it, how and when', async () => {
    const requestId = randomUUID();
    const events = [
      event(requestId, { type: 'requested', data: { ...sampleData.requested, justification: 'INC-7' } }, 'alice@example.com', {
        kind: 'api_key',
        name: 'portal',
      }),
      event(requestId, { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: false } }, 'bob@example.com', {
        kind: 'slack',
      }),
      event(requestId, { type: 'approved', data: { stage: 1, approver: 'carol@example.com', final: true } }, 'carol@example.com'),
      event(
        requestId,
        { type: 'granted', data: { ...sampleData.granted, grantedAt: '2026-03-02T09:01:00.000Z', expiresAt: '2026-03-02T10:01:00.000Z' } },
        'service:provisioner',
      ),
      event(requestId, { type: 'ticket_opened', data: sampleData.ticket_opened }, 'service:provisioner'),
      event(requestId, { type: 'extended', data: { by: 'bob@example.com', expiresAt: '2026-03-02T11:01:00.000Z' } }, 'bob@example.com'),
      event(requestId, { type: 'revoke_requested', data: { reason: 'admin', by: 'dave@example.com' } }, 'dave@example.com'),
      event(requestId, { type: 'revoked', data: { reason: 'admin', revokedAt: '2026-03-02T09:30:00.000Z' } }, 'service:provisioner'),
    ];
    // Before the grant there is no row: a request is not a grant.
    for (const e of events.slice(0, 3)) await publish(nc, service.topology, e);
    await recorded(requestId, 3);
    expect(await grantRow(requestId)).toBeUndefined();

    for (const e of events.slice(3)) await publish(nc, service.topology, e);
    await recorded(requestId, events.length);

    const [last] = (await owner.query(`SELECT max(stream_seq) AS seq FROM audit.audit_events WHERE request_id = $1`, [requestId])).rows;
    expect(await grantRow(requestId)).toEqual({
      request_id: requestId,
      requester: 'alice@example.com',
      application_id: 'demo-sandbox',
      okta_group_id: '00gdemosandbox',
      justification: 'INC-7',
      requested_via: 'api_key:portal',
      approvers: ['bob@example.com', 'carol@example.com'],
      approved_via: ['slack'],
      granted_at: new Date('2026-03-02T09:01:00.000Z'),
      expires_at: new Date('2026-03-02T11:01:00.000Z'),
      ended_at: new Date('2026-03-02T09:30:00.000Z'),
      ended_how: 'admin',
      ended_by: 'dave@example.com',
      last_seq: last.seq,
    });
  });

  it('keeps a grant that never completed as rolled back, and a denied request out', async () => {
    const failed = randomUUID();
    const denied = randomUUID();
    clock.set('2026-03-03T08:00:00.000Z');
    const events = [
      event(failed, { type: 'requested', data: sampleData.requested }, 'alice@example.com'),
      event(failed, { type: 'approved', data: sampleData.approved }, 'bob@example.com'),
      event(failed, { type: 'grant_failed', data: { reason: 'the grant could not complete before its deadline' } }, 'service:provisioner'),
      event(denied, { type: 'requested', data: sampleData.requested }, 'alice@example.com'),
      event(denied, { type: 'denied', data: sampleData.denied }, 'bob@example.com'),
    ];
    for (const e of events) await publish(nc, service.topology, e);
    await recorded(failed, 3);
    await recorded(denied, 2);

    expect(await grantRow(failed)).toMatchObject({
      requester: 'alice@example.com',
      application_id: 'demo-sandbox',
      approvers: ['bob@example.com'],
      granted_at: null,
      expires_at: null,
      ended_at: new Date('2026-03-03T08:00:00.000Z'),
      ended_how: 'rolled_back',
      ended_by: null,
    });
    expect(await grantRow(denied)).toBeUndefined();
  });
});
