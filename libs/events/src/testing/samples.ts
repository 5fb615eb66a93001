import { SystemClock, type Clock } from '../clock.js';
import { createEvent, type EventDraft } from '../contracts/create.js';
import type { AccessEvent, EventType } from '../contracts/registry.js';

/** Valid data for every event type, for tests that need an event and do not care which. */
export const sampleData = {
  requested: {
    requester: 'alice@example.com',
    application: {
      id: 'demo-sandbox',
      name: 'Demo sandbox',
      oktaGroupId: '00gdemosandbox',
      owners: ['carol@example.com'],
      approval: { kind: 'auto' },
    },
    durationSeconds: 900,
    justification: 'INC-42',
  },
  approval_opened: { stages: [{ source: 'users', approvers: ['bob@example.com'] }] },
  approved: { stage: 0, approver: 'bob@example.com', final: true },
  denied: { by: 'bob@example.com', reason: 'denied_by_approver', comment: 'not needed' },
  cancelled: { by: 'alice@example.com' },
  granted: {
    requester: 'alice@example.com',
    applicationId: 'demo-sandbox',
    oktaGroupId: '00gdemosandbox',
    oktaUserId: '00ualice',
    grantedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T00:15:00.000Z',
    membership: 'added',
  },
  grant_failed: { reason: 'okta said no' },
  ticket_opened: { ticketKey: 'JIT-1' },
  expired: { expiresAt: '2026-01-01T00:15:00.000Z' },
  revoke_requested: { reason: 'relinquished', by: 'alice@example.com' },
  revoked: { reason: 'expired', revokedAt: '2026-01-01T00:15:01.000Z' },
  revoke_failed: { reason: 'okta unavailable', attempt: 1, nextAttemptAt: '2026-01-01T00:01:00.000Z' },
  grant_retrying: { reason: 'okta unavailable', attempt: 1, nextAttemptAt: '2026-01-01T00:01:00.000Z' },
  ticket_closed: { ticketKey: 'JIT-1' },
  approval_escalated: { stage: 0, approver: 'dave@example.com' },
  extension_requested: { by: 'alice@example.com', durationSeconds: 900, justification: 'INC-2 still on it' },
  extension_approved: { by: 'bob@example.com', durationSeconds: 900 },
  extension_denied: { by: 'bob@example.com', comment: 'enough for today' },
  extended: { by: 'bob@example.com', expiresAt: '2026-01-01T01:00:00.000Z' },
} satisfies { [K in EventType]: EventDraft<K>['data'] };

/** A valid event of `type` for `requestId`. */
export function sampleEvent<T extends EventType>(type: T, requestId: string, clock: Clock = new SystemClock()): AccessEvent<T> {
  return createEvent({ type, data: sampleData[type] } as EventDraft<T>, { requestId, actor: 'test' }, clock);
}
