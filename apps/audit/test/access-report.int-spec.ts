import { randomUUID } from 'node:crypto';
import { createEvent, ManualClock, type AccessEvent, type RevokeReason } from '@jit/events';
import { connectTestNats, deleteTopology, publish, sampleData, waitFor } from '@jit/events/testing';
import { startAuditService } from './support/audit-service.js';

const apiKey = 'audit-report-test-key-0123';
const app = `payroll-${randomUUID().slice(0, 8)}`;
const group = '00gpayrollprod';

/** One request's story, told as the services would publish it. */
interface Story {
  requester: string;
  justification: string;
  approver: string;
  grantedAt: string;
  expiresAt: string;
  extendedTo?: string;
  revoked?: { reason: RevokeReason; at: string };
  applicationId?: string;
}

function eventsOf(requestId: string, story: Story): AccessEvent[] {
  const clock = new ManualClock(story.grantedAt);
  const applicationId = story.applicationId ?? app;
  const events: AccessEvent[] = [
    createEvent(
      {
        type: 'requested',
        data: {
          ...sampleData.requested,
          requester: story.requester,
          justification: story.justification,
          application: { ...sampleData.requested.application, id: applicationId, oktaGroupId: group },
        },
      },
      { requestId, actor: story.requester },
      clock,
    ),
    createEvent(
      { type: 'approved', data: { stage: 0, approver: story.approver, final: true } },
      { requestId, actor: story.approver },
      clock,
    ),
    createEvent(
      {
        type: 'granted',
        data: {
          ...sampleData.granted,
          requester: story.requester,
          applicationId,
          oktaGroupId: group,
          grantedAt: story.grantedAt,
          expiresAt: story.expiresAt,
        },
      },
      { requestId, actor: 'service:provisioner' },
      clock,
    ),
  ];
  if (story.extendedTo) {
    events.push(
      createEvent(
        { type: 'extended', data: { by: story.approver, expiresAt: story.extendedTo } },
        { requestId, actor: story.approver },
        clock,
      ),
    );
  }
  if (story.revoked) {
    events.push(
      createEvent(
        { type: 'revoked', data: { reason: story.revoked.reason, revokedAt: story.revoked.at } },
        { requestId, actor: 'service:provisioner' },
        clock,
      ),
    );
  }
  return events;
}

describe('the access report for a quarter', () => {
  let service: Awaited<ReturnType<typeof startAuditService>>;
  let nc: Awaited<ReturnType<typeof connectTestNats>>;
  const ids = {
    expired: randomUUID(),
    overlapping: randomUUID(),
    extended: randomUUID(),
    reconciled: randomUUID(),
    deprovisioned: randomUUID(),
    stillOpen: randomUUID(),
    before: randomUUID(),
    after: randomUUID(),
    otherApp: randomUUID(),
  };
  const stories: Record<keyof typeof ids, Story> = {
    // Two grants of one person that overlap: each is its own period.
    expired: {
      requester: 'alice@example.com',
      justification: 'INC-100',
      approver: 'bob@example.com',
      grantedAt: '2026-04-02T10:00:00.000Z',
      expiresAt: '2026-04-02T12:00:00.000Z',
      revoked: { reason: 'expired', at: '2026-04-02T12:00:01.000Z' },
    },
    overlapping: {
      requester: 'alice@example.com',
      justification: 'INC-101, second look',
      approver: 'carol@example.com',
      grantedAt: '2026-04-02T11:00:00.000Z',
      expiresAt: '2026-04-02T13:00:00.000Z',
      revoked: { reason: 'relinquished', at: '2026-04-02T11:30:00.000Z' },
    },
    extended: {
      requester: 'erin@example.com',
      justification: 'migration',
      approver: 'bob@example.com',
      grantedAt: '2026-05-10T09:00:00.000Z',
      expiresAt: '2026-05-10T10:00:00.000Z',
      extendedTo: '2026-05-10T12:00:00.000Z',
      revoked: { reason: 'expired', at: '2026-05-10T12:00:02.000Z' },
    },
    reconciled: {
      requester: 'frank@example.com',
      justification: 'audit prep',
      approver: 'bob@example.com',
      grantedAt: '2026-06-01T08:00:00.000Z',
      expiresAt: '2026-06-01T16:00:00.000Z',
      revoked: { reason: 'reconciliation', at: '2026-06-01T09:15:00.000Z' },
    },
    deprovisioned: {
      requester: 'gina@example.com',
      justification: '=cmd|calc',
      approver: 'carol@example.com',
      grantedAt: '2026-06-20T08:00:00.000Z',
      expiresAt: '2026-06-20T16:00:00.000Z',
      revoked: { reason: 'deprovisioned', at: '2026-06-20T08:45:00.000Z' },
    },
    // Granted on the quarter's last evening and not ended yet: in the report, open.
    stillOpen: {
      requester: 'hank@example.com',
      justification: 'on call',
      approver: 'bob@example.com',
      grantedAt: '2026-06-30T22:00:00.000Z',
      expiresAt: '2026-07-01T06:00:00.000Z',
    },
    // Ended before the quarter, begun after it, or another application: not in it.
    before: {
      requester: 'ivan@example.com',
      justification: 'old',
      approver: 'bob@example.com',
      grantedAt: '2026-03-30T10:00:00.000Z',
      expiresAt: '2026-03-30T11:00:00.000Z',
      revoked: { reason: 'expired', at: '2026-03-30T11:00:00.000Z' },
    },
    after: {
      requester: 'ivan@example.com',
      justification: 'new',
      approver: 'bob@example.com',
      grantedAt: '2026-07-01T00:00:00.000Z',
      expiresAt: '2026-07-01T01:00:00.000Z',
    },
    otherApp: {
      requester: 'alice@example.com',
      justification: 'elsewhere',
      approver: 'bob@example.com',
      grantedAt: '2026-05-01T10:00:00.000Z',
      expiresAt: '2026-05-01T11:00:00.000Z',
      applicationId: `other-${app}`,
    },
  };

  const period = (key: keyof typeof ids, revokedAt: string | null, revokeReason: string | null, expiresAt?: string) => ({
    requestId: ids[key],
    requester: stories[key].requester,
    applicationId: app,
    oktaGroupId: group,
    justification: stories[key].justification,
    approvers: [stories[key].approver],
    requestedVia: null,
    approvedVia: [],
    grantedAt: stories[key].grantedAt,
    expiresAt: expiresAt ?? stories[key].expiresAt,
    revokedAt,
    revokeReason,
  });
  const expected = [
    period('expired', '2026-04-02T12:00:01.000Z', 'expired'),
    period('overlapping', '2026-04-02T11:30:00.000Z', 'relinquished'),
    period('extended', '2026-05-10T12:00:02.000Z', 'expired', '2026-05-10T12:00:00.000Z'),
    period('reconciled', '2026-06-01T09:15:00.000Z', 'reconciliation'),
    period('deprovisioned', '2026-06-20T08:45:00.000Z', 'deprovisioned'),
    period('stillOpen', null, null),
  ];
  const quarter = `applicationId=${app}&from=2026-04-01T00:00:00Z&to=2026-07-01T00:00:00Z`;

  beforeAll(async () => {
    service = await startAuditService('audit_report', { JIT_DEMO_API_KEY: apiKey });
    nc = await connectTestNats();
    const events = Object.entries(ids).flatMap(([key, requestId]) => eventsOf(requestId, stories[key as keyof typeof ids]));
    for (const event of events) await publish(nc, service.topology, event);
    await waitFor(
      async () => {
        const response = await fetch(`${service.url}/v1/audit/events?limit=1000`, { headers: { authorization: `Bearer ${apiKey}` } });
        return ((await response.json()) as { events: unknown[] }).events.length === events.length;
      },
      { what: 'every event recorded' },
    );
  });

  afterAll(async () => {
    await service.stop();
    await deleteTopology(nc, service.topology);
    await nc.close();
  });

  it('as JSON: one period per grant in the quarter, overlapping, extended, relinquished, reconciled and deprovisioned, field by field', async () => {
    const response = await fetch(`${service.url}/v1/audit/access-report?${quarter}`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ periods: expected, nextCursor: null });
  });

  it('as CSV: the same periods, one line each, every cell in its column', async () => {
    const response = await fetch(`${service.url}/v1/audit/access-report?${quarter}&format=csv`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await response.text()).split('\r\n');
    expect(lines).toEqual([
      'requestId,requester,applicationId,oktaGroupId,justification,approvers,requestedVia,approvedVia,grantedAt,expiresAt,revokedAt,revokeReason',
      `${ids.expired},alice@example.com,${app},${group},INC-100,bob@example.com,,,2026-04-02T10:00:00.000Z,2026-04-02T12:00:00.000Z,2026-04-02T12:00:01.000Z,expired`,
      `${ids.overlapping},alice@example.com,${app},${group},"INC-101, second look",carol@example.com,,,2026-04-02T11:00:00.000Z,2026-04-02T13:00:00.000Z,2026-04-02T11:30:00.000Z,relinquished`,
      `${ids.extended},erin@example.com,${app},${group},migration,bob@example.com,,,2026-05-10T09:00:00.000Z,2026-05-10T12:00:00.000Z,2026-05-10T12:00:02.000Z,expired`,
      `${ids.reconciled},frank@example.com,${app},${group},audit prep,bob@example.com,,,2026-06-01T08:00:00.000Z,2026-06-01T16:00:00.000Z,2026-06-01T09:15:00.000Z,reconciliation`,
      `${ids.deprovisioned},gina@example.com,${app},${group},'=cmd|calc,carol@example.com,,,2026-06-20T08:00:00.000Z,2026-06-20T16:00:00.000Z,2026-06-20T08:45:00.000Z,deprovisioned`,
      `${ids.stillOpen},hank@example.com,${app},${group},on call,bob@example.com,,,2026-06-30T22:00:00.000Z,2026-07-01T06:00:00.000Z,,`,
      '',
    ]);
  });
});
