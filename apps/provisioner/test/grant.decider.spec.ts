import type { EventDraft } from '@jit/events';
import { DeciderSpecification, specEvent, specRequestId, type GivenEvent } from '@jit/events/testing';
import { grantDecider, type Grant, type ObservedEvent } from '../src/grants/grant.decider.js';
import { requested as requestedData } from './support/requested.js';

const spec = DeciderSpecification.for(grantDecider);

const requested = { type: 'requested', data: requestedData('alice@example.com') } satisfies EventDraft<'requested'>;
const approvedAt = '2026-01-01T00:05:00.000Z';
const approved = {
  type: 'approved',
  data: { stage: 1, approver: 'bob@example.com', final: true, comment: 'ok for INC-1234' },
  at: approvedAt,
} satisfies GivenEvent;
const firstStage = { type: 'approved', data: { stage: 0, approver: 'carol@example.com', final: false } } satisfies EventDraft<'approved'>;
const cancelled = { type: 'cancelled', data: { by: 'alice@example.com' } } satisfies EventDraft<'cancelled'>;
const grantedAt = '2026-01-01T00:06:00.000Z';
const granted = {
  type: 'granted',
  data: {
    requester: 'alice@example.com',
    applicationId: 'aws-prod-console',
    oktaGroupId: '00g1awsprodconsole02',
    oktaUserId: '00u1alice0000000000a',
    grantedAt,
    expiresAt: '2026-01-01T02:06:00.000Z',
    membership: 'added',
  },
} satisfies EventDraft<'granted'>;
const expired = { type: 'expired', data: { expiresAt: granted.data.expiresAt } } satisfies EventDraft<'expired'>;
const relinquished = {
  type: 'revoke_requested',
  data: { reason: 'relinquished', by: 'alice@example.com' },
} satisfies EventDraft<'revoke_requested'>;
const revokedAt = '2026-01-01T02:06:05.000Z';
const revoked = { type: 'revoked', data: { reason: 'expired', revokedAt } } satisfies EventDraft<'revoked'>;
const grantFailed = {
  type: 'grant_failed',
  data: { reason: 'alice@example.com is not a user in Okta' },
} satisfies EventDraft<'grant_failed'>;

const approvedGrant = [requested, approved];
const activeGrant = [...approvedGrant, granted];
const revokingGrant = [...activeGrant, expired];
/** When a failed attempt's retry is due. */
const nextAttempt = new Date('2026-01-01T00:07:00.000Z');

/** The `observe` command for an event, and that event as its cause, as the handler runs it. */
function observing(
  draft: EventDraft<ObservedEvent['type']>,
  at?: string,
): [{ kind: 'observe'; event: ObservedEvent }, { cause: ObservedEvent }] {
  const event = specEvent(draft, at) as ObservedEvent;
  return [{ kind: 'observe', event }, { cause: event }];
}

const recorded: Grant = {
  requestId: specRequestId,
  requester: 'alice@example.com',
  applicationId: 'aws-prod-console',
  applicationName: 'AWS Production Console',
  oktaGroupId: '00g1awsprodconsole02',
  durationSeconds: 7200,
  justification: 'INC-1234 database failover',
  status: 'requested',
};

describe('grant rules', () => {
  describe('requested', () => {
    it('records the request once', () => {
      expect(
        spec
          .given([])
          .when(...observing(requested))
          .then([]),
      ).toEqual(recorded);
      spec
        .given([requested])
        .when(...observing(requested))
        .thenNothing();
    });
  });

  describe('approved', () => {
    it('the final approval makes the grant due, with its deadline recorded before Okta is ever called', () => {
      const state = spec
        .given([requested])
        .when(...observing(approved, approvedAt))
        .then([]);
      expect(state).toEqual({
        ...recorded,
        status: 'granting',
        approvedBy: 'bob@example.com',
        approvalComment: 'ok for INC-1234',
        deadline: new Date('2026-01-01T02:05:00.000Z'),
      });
    });

    it('an approval for a request not seen yet waits for it', () => {
      spec
        .given([])
        .when(...observing(approved))
        .thenNotYet();
    });

    it('an approval step that is not the final one grants nothing', () => {
      spec
        .given([requested])
        .when(...observing(firstStage))
        .thenNothing();
      expect(
        spec
          .given([requested, firstStage])
          .when(...observing(approved))
          .then([]),
      ).toMatchObject({ status: 'granting' });
    });

    it('a final approval of a cancelled request grants nothing', () => {
      spec
        .given([requested, cancelled])
        .when(...observing(approved))
        .thenNothing();
      spec
        .given([requested, cancelled, approved])
        .when({ kind: 'complete_grant', oktaUserId: '00u1alice0000000000a', membership: 'added' })
        .thenNothing();
    });

    it('a second final approval changes nothing', () => {
      spec
        .given(approvedGrant)
        .when(...observing(approved))
        .thenNothing();
      spec
        .given(activeGrant)
        .when(...observing(approved))
        .thenNothing();
    });
  });

  describe('complete_grant', () => {
    it('publishes granted, expiring the requested duration after the membership was confirmed', () => {
      const state = spec
        .given(approvedGrant)
        .when({ kind: 'complete_grant', oktaUserId: '00u1alice0000000000a', membership: 'added' }, { at: grantedAt })
        .then([granted]);
      expect(state).toMatchObject({
        status: 'active',
        oktaUserId: '00u1alice0000000000a',
        grantedAt: new Date(grantedAt),
        expiresAt: new Date('2026-01-01T02:06:00.000Z'),
      });
    });

    it('after the request was cancelled still publishes granted, and moves straight to revoking it (admin)', () => {
      const afterCancel = spec
        .given(approvedGrant)
        .when(...observing(cancelled))
        .then([]);
      expect(afterCancel).toMatchObject({ status: 'granting', endRequested: 'admin' });

      const state = spec
        .given([...approvedGrant, cancelled])
        .when({ kind: 'complete_grant', oktaUserId: '00u1alice0000000000a', membership: 'added' }, { at: grantedAt })
        .then([granted]);
      expect(state).toMatchObject({ status: 'revoking', revokeReason: 'admin', endRequested: undefined });
      spec
        .given([...approvedGrant, cancelled, granted])
        .when({ kind: 'confirm_revocation' }, { at: revokedAt })
        .then([{ type: 'revoked', data: { reason: 'admin', revokedAt } }]);
    });

    it('a grant past its deadline is never completed: it is rolled back instead', () => {
      const completion = { kind: 'complete_grant', oktaUserId: '00u1alice0000000000a', membership: 'added' } as const;
      spec.given(approvedGrant).when(completion, { at: '2026-01-01T02:05:00.000Z' }).thenNothing();
      spec
        .given(approvedGrant)
        .when(completion, { at: '2026-01-01T02:04:59.999Z' })
        .then([{ ...granted, data: { ...granted.data, grantedAt: '2026-01-01T02:04:59.999Z', expiresAt: '2026-01-01T04:04:59.999Z' } }]);
      const state = spec
        .given(approvedGrant)
        .when({ kind: 'fail_grant', reason: 'the grant could not complete before its deadline' }, { at: '2026-01-01T02:05:00.000Z' })
        .then([{ type: 'grant_failed', data: { reason: 'the grant could not complete before its deadline' } }]);
      expect(state).toMatchObject({ status: 'failed', failureReason: 'the grant could not complete before its deadline' });
    });

    it('once the grant settled, or before it is approved, changes nothing', () => {
      const completion = { kind: 'complete_grant', oktaUserId: '00u1alice0000000000a', membership: 'added' } as const;
      spec.given([]).when(completion).thenNothing();
      spec.given([requested]).when(completion).thenNothing();
      spec.given(activeGrant).when(completion).thenNothing();
      spec
        .given([...approvedGrant, grantFailed])
        .when(completion)
        .thenNothing();
    });
  });

  describe('fail_grant', () => {
    it('publishes grant_failed with the reason', () => {
      const state = spec.given(approvedGrant).when({ kind: 'fail_grant', reason: grantFailed.data.reason }).then([grantFailed]);
      expect(state).toMatchObject({ status: 'failed', failureReason: grantFailed.data.reason });
    });

    it('drops an end of access asked for meanwhile: there is no access to end', () => {
      const state = spec
        .given([...approvedGrant, cancelled])
        .when({ kind: 'fail_grant', reason: grantFailed.data.reason })
        .then([grantFailed]);
      expect(state).toMatchObject({ status: 'failed', endRequested: undefined });
    });

    it('once the grant settled changes nothing', () => {
      spec.given([]).when({ kind: 'fail_grant', reason: 'late' }).thenNothing();
      spec.given(activeGrant).when({ kind: 'fail_grant', reason: 'late' }).thenNothing();
      spec
        .given([...approvedGrant, grantFailed])
        .when({ kind: 'fail_grant', reason: 'late' })
        .thenNothing();
    });
  });

  describe('retry_grant', () => {
    it('publishes grant_retrying with the attempt, the error and the next attempt, and the grant keeps granting', () => {
      const state = spec
        .given(approvedGrant)
        .when({ kind: 'retry_grant', error: 'Okta is unavailable: 503', attempt: 2, nextAttemptAt: nextAttempt })
        .then([
          { type: 'grant_retrying', data: { reason: 'Okta is unavailable: 503', attempt: 2, nextAttemptAt: nextAttempt.toISOString() } },
        ]);
      expect(state).toMatchObject({ status: 'granting' });
    });

    it('changes nothing once the grant settled', () => {
      spec.given([]).when({ kind: 'retry_grant', error: 'x', attempt: 1, nextAttemptAt: nextAttempt }).thenNothing();
      spec.given(activeGrant).when({ kind: 'retry_grant', error: 'x', attempt: 1, nextAttemptAt: nextAttempt }).thenNothing();
      spec
        .given([...approvedGrant, grantFailed])
        .when({ kind: 'retry_grant', error: 'x', attempt: 1, nextAttemptAt: nextAttempt })
        .thenNothing();
    });
  });

  describe('cancelled', () => {
    it('a request cancelled before its approval is never granted', () => {
      expect(
        spec
          .given([requested])
          .when(...observing(cancelled))
          .then([]),
      ).toMatchObject({ status: 'cancelled' });
    });

    it('a cancellation of access that exists revokes it (admin)', () => {
      expect(
        spec
          .given(activeGrant)
          .when(...observing(cancelled))
          .then([]),
      ).toMatchObject({ status: 'revoking', revokeReason: 'admin' });
    });

    it('a cancellation for a request not seen yet waits for it', () => {
      spec
        .given([])
        .when(...observing(cancelled))
        .thenNotYet();
    });

    it('changes nothing once cancelled, already ending, failed or revoked', () => {
      spec
        .given([requested, cancelled])
        .when(...observing(cancelled))
        .thenNothing();
      spec
        .given([...approvedGrant, cancelled])
        .when(...observing(cancelled))
        .thenNothing();
      spec
        .given(revokingGrant)
        .when(...observing(cancelled))
        .thenNothing();
      spec
        .given([...approvedGrant, grantFailed])
        .when(...observing(cancelled))
        .thenNothing();
      spec
        .given([...revokingGrant, revoked])
        .when(...observing(cancelled))
        .thenNothing();
    });
  });

  describe('expired and revoke_requested', () => {
    it('an expiry queues an active grant for revocation', () => {
      expect(
        spec
          .given(activeGrant)
          .when(...observing(expired))
          .then([]),
      ).toMatchObject({ status: 'revoking', revokeReason: 'expired' });
    });

    it('a revoke request queues an active grant for revocation with its reason', () => {
      expect(
        spec
          .given(activeGrant)
          .when(...observing(relinquished))
          .then([]),
      ).toMatchObject({
        status: 'revoking',
        revokeReason: 'relinquished',
      });
    });

    it('a second end of access keeps the first reason', () => {
      spec
        .given(revokingGrant)
        .when(...observing(relinquished))
        .thenNothing();
      spec
        .given([...activeGrant, relinquished])
        .when(...observing(expired))
        .thenNothing();
    });

    it('an expiry or revoke request for a request not seen yet waits for it', () => {
      spec
        .given([])
        .when(...observing(expired))
        .thenNotYet();
      spec
        .given([])
        .when(...observing(relinquished))
        .thenNotYet();
    });

    it('a revoke request while the grant is in progress is kept and applied the moment access exists', () => {
      expect(
        spec
          .given(approvedGrant)
          .when(...observing(relinquished))
          .then([]),
      ).toMatchObject({
        status: 'granting',
        endRequested: 'relinquished',
      });
      spec
        .given([...approvedGrant, relinquished])
        .when(...observing(expired))
        .thenNothing();
      const state = spec
        .given([...approvedGrant, relinquished])
        .when({ kind: 'complete_grant', oktaUserId: '00u1alice0000000000a', membership: 'added' }, { at: grantedAt })
        .then([granted]);
      expect(state).toMatchObject({ status: 'revoking', revokeReason: 'relinquished' });
    });

    it('changes nothing once revoked, failed or cancelled', () => {
      spec
        .given([...revokingGrant, revoked])
        .when(...observing(relinquished))
        .thenNothing();
      spec
        .given([...approvedGrant, grantFailed])
        .when(...observing(expired))
        .thenNothing();
      spec
        .given([requested, cancelled])
        .when(...observing(relinquished))
        .thenNothing();
    });
  });

  describe('end_access', () => {
    it('closes a request not approved yet, saying why', () => {
      const state = spec
        .given([requested])
        .when({ kind: 'end_access', reason: 'deprovisioned' })
        .then([{ type: 'cancelled', data: { by: 'service:provisioner', reason: 'requester_deactivated' } }]);
      expect(state).toMatchObject({ status: 'cancelled' });
      spec
        .given([requested])
        .when({ kind: 'end_access', reason: 'application_removed' })
        .then([{ type: 'cancelled', data: { by: 'service:provisioner', reason: 'application_removed' } }]);
    });

    it('revokes access that exists, and access on its way the moment it exists', () => {
      const revoking = spec
        .given(activeGrant)
        .when({ kind: 'end_access', reason: 'deprovisioned' })
        .then([{ type: 'revoke_requested', data: { reason: 'deprovisioned', by: 'service:provisioner' } }]);
      expect(revoking).toMatchObject({ status: 'revoking', revokeReason: 'deprovisioned' });
      const pending = spec
        .given(approvedGrant)
        .when({ kind: 'end_access', reason: 'application_removed' })
        .then([{ type: 'revoke_requested', data: { reason: 'application_removed', by: 'service:provisioner' } }]);
      expect(pending).toMatchObject({ status: 'granting', endRequested: 'application_removed' });
    });

    it('waits for a request not seen yet, and changes nothing once access ended or its end is under way', () => {
      spec.given([]).when({ kind: 'end_access', reason: 'deprovisioned' }).thenNotYet();
      spec.given(revokingGrant).when({ kind: 'end_access', reason: 'deprovisioned' }).thenNothing();
      spec
        .given([...revokingGrant, revoked])
        .when({ kind: 'end_access', reason: 'deprovisioned' })
        .thenNothing();
      spec.given([requested, cancelled]).when({ kind: 'end_access', reason: 'application_removed' }).thenNothing();
      spec
        .given([...approvedGrant, relinquished])
        .when({ kind: 'end_access', reason: 'deprovisioned' })
        .thenNothing();
      spec
        .given([...approvedGrant, grantFailed])
        .when({ kind: 'end_access', reason: 'deprovisioned' })
        .thenNothing();
    });
  });

  describe('record_ticket_opened and record_ticket_closed', () => {
    const opened = { type: 'ticket_opened', data: { ticketKey: 'JIT-7' } } satisfies EventDraft<'ticket_opened'>;
    const closed = { type: 'ticket_closed', data: { ticketKey: 'JIT-7' } } satisfies EventDraft<'ticket_closed'>;

    it('records the ticket of granted access once, keeping the first key a racing attempt recorded', () => {
      const state = spec.given(activeGrant).when({ kind: 'record_ticket_opened', ticketKey: 'JIT-7' }).then([opened]);
      expect(state).toMatchObject({ ticketKey: 'JIT-7', status: 'active' });
      spec
        .given([...activeGrant, opened])
        .when({ kind: 'record_ticket_opened', ticketKey: 'JIT-8' })
        .thenNothing();
    });

    it('a ticket is opened only for access that was granted', () => {
      spec.given([]).when({ kind: 'record_ticket_opened', ticketKey: 'JIT-7' }).thenNotYet();
      spec.given(approvedGrant).when({ kind: 'record_ticket_opened', ticketKey: 'JIT-7' }).thenNotYet();
    });

    it('closes the ticket once access is revoked, and only once', () => {
      const state = spec
        .given([...revokingGrant, opened, revoked])
        .when({ kind: 'record_ticket_closed' })
        .then([closed]);
      expect(state).toMatchObject({ ticketClosed: true, status: 'revoked' });
      spec
        .given([...revokingGrant, opened, revoked, closed])
        .when({ kind: 'record_ticket_closed' })
        .thenNothing();
    });

    it('a ticket does not close while access is still held or before it was opened', () => {
      spec
        .given([...activeGrant, opened])
        .when({ kind: 'record_ticket_closed' })
        .thenNotYet();
      spec
        .given([...revokingGrant, revoked])
        .when({ kind: 'record_ticket_closed' })
        .thenNotYet();
    });
  });

  describe('confirm_revocation', () => {
    it('publishes revoked with its reason and time', () => {
      const state = spec.given(revokingGrant).when({ kind: 'confirm_revocation' }, { at: revokedAt }).then([revoked]);
      expect(state).toMatchObject({ status: 'revoked', revokeReason: 'expired', revokedAt: new Date(revokedAt) });
    });

    it('changes nothing unless a revocation is under way', () => {
      spec.given([]).when({ kind: 'confirm_revocation' }).thenNothing();
      spec.given(activeGrant).when({ kind: 'confirm_revocation' }).thenNothing();
      spec
        .given([...revokingGrant, revoked])
        .when({ kind: 'confirm_revocation' })
        .thenNothing();
    });
  });

  describe('fail_revocation', () => {
    it('publishes revoke_failed with the attempt and leaves the revocation pending', () => {
      const state = spec
        .given(revokingGrant)
        .when({ kind: 'fail_revocation', error: 'Okta is unavailable: 503', attempt: 3, nextAttemptAt: nextAttempt })
        .then([
          { type: 'revoke_failed', data: { reason: 'Okta is unavailable: 503', attempt: 3, nextAttemptAt: nextAttempt.toISOString() } },
        ]);
      expect(state).toMatchObject({ status: 'revoking', revokeReason: 'expired' });
    });

    it('an attempt that failed without a message still says why', () => {
      spec
        .given(revokingGrant)
        .when({ kind: 'fail_revocation', error: '', attempt: 1, nextAttemptAt: nextAttempt })
        .then([{ type: 'revoke_failed', data: { reason: 'unknown error', attempt: 1, nextAttemptAt: nextAttempt.toISOString() } }]);
    });

    it('changes nothing unless a revocation is under way', () => {
      spec.given([]).when({ kind: 'fail_revocation', error: 'x', attempt: 1, nextAttemptAt: nextAttempt }).thenNothing();
      spec.given(activeGrant).when({ kind: 'fail_revocation', error: 'x', attempt: 1, nextAttemptAt: nextAttempt }).thenNothing();
      spec
        .given([...revokingGrant, revoked])
        .when({ kind: 'fail_revocation', error: 'x', attempt: 1, nextAttemptAt: nextAttempt })
        .thenNothing();
    });
  });

  describe('revoke_overdue', () => {
    const reconciliation = { type: 'revoke_requested', data: { reason: 'reconciliation', by: 'service:provisioner' } } as const;

    it('asks for the revocation of a grant still active past its expiry, and starts it', () => {
      const state = spec.given(activeGrant).when({ kind: 'revoke_overdue' }, { at: '2026-01-01T02:06:00.000Z' }).then([reconciliation]);
      expect(state).toMatchObject({ status: 'revoking', revokeReason: 'reconciliation' });
    });

    it('ends a grant never completed by its deadline as soon as it completes', () => {
      const state = spec.given(approvedGrant).when({ kind: 'revoke_overdue' }, { at: '2026-01-01T02:05:00.000Z' }).then([reconciliation]);
      expect(state).toMatchObject({ status: 'granting', endRequested: 'reconciliation' });
    });

    it('changes nothing before the expiry or deadline, or once an end is under way', () => {
      spec.given(activeGrant).when({ kind: 'revoke_overdue' }, { at: '2026-01-01T02:05:59.999Z' }).thenNothing();
      spec.given(approvedGrant).when({ kind: 'revoke_overdue' }, { at: '2026-01-01T02:04:59.999Z' }).thenNothing();
      spec
        .given([...approvedGrant, cancelled])
        .when({ kind: 'revoke_overdue' }, { at: '2026-01-02T00:00:00.000Z' })
        .thenNothing();
      spec.given(revokingGrant).when({ kind: 'revoke_overdue' }, { at: '2026-01-02T00:00:00.000Z' }).thenNothing();
      spec.given([]).when({ kind: 'revoke_overdue' }).thenNothing();
    });
  });

  it('events the grant does not act on leave it as it is', () => {
    const others: GivenEvent[] = [
      { type: 'approval_opened', data: { stages: [{ source: 'manager', approvers: ['bob@example.com'] }] } },
      { type: 'denied', data: { by: 'bob@example.com', reason: 'denied_by_approver' } },
      { type: 'extended', data: { by: 'bob@example.com', expiresAt: '2026-01-01T05:00:00.000Z' } },
      { type: 'revoke_failed', data: { reason: 'Okta is unavailable: 503', attempt: 1 } },
    ];
    const plain = spec
      .given([requested])
      .when(...observing(approved, approvedAt))
      .then([]);
    expect(
      spec
        .given([requested, ...others])
        .when(...observing(approved, approvedAt))
        .then([]),
    ).toEqual(plain);
    const revokedPlain = spec.given(revokingGrant).when({ kind: 'confirm_revocation' }, { at: revokedAt }).then([revoked]);
    expect(
      spec
        .given([...revokingGrant, ...others])
        .when({ kind: 'confirm_revocation' }, { at: revokedAt })
        .then([revoked]),
    ).toEqual(revokedPlain);
  });
});

describe('an approved extension', () => {
  const extensionApproved = { type: 'extension_approved', data: { by: 'bob@example.com', durationSeconds: 1800 } } as const;
  const extended = { type: 'extended', data: { by: 'bob@example.com', expiresAt: '2026-01-01T02:36:00.000Z' } } as const;

  it('moves the expiry of active access and says so, naming who approved it', () => {
    const state = spec
      .given(activeGrant)
      .when(...observing(extensionApproved))
      .then([extended]);
    expect(state).toMatchObject({ status: 'active', expiresAt: new Date('2026-01-01T02:36:00.000Z'), extendedBy: 'bob@example.com' });
  });

  it('the reconciliation honours the new expiry: not overdue at the old one, overdue at the new one', () => {
    spec
      .given([...activeGrant, extended])
      .when({ kind: 'revoke_overdue' }, { at: '2026-01-01T02:06:00.000Z' })
      .thenNothing();
    spec
      .given([...activeGrant, extended])
      .when({ kind: 'revoke_overdue' }, { at: '2026-01-01T02:36:00.000Z' })
      .then([{ type: 'revoke_requested', data: { reason: 'reconciliation', by: 'service:provisioner' } }]);
  });

  it('extends nothing that is ending, over or not granted yet', () => {
    spec
      .given(revokingGrant)
      .when(...observing(extensionApproved))
      .thenNothing();
    spec
      .given([...revokingGrant, revoked])
      .when(...observing(extensionApproved))
      .thenNothing();
    spec
      .given(approvedGrant)
      .when(...observing(extensionApproved))
      .thenNothing();
  });
});
