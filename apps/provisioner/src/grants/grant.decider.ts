import {
  accept,
  notYet,
  nothing,
  type AccessEvent,
  type Decider,
  type Decision,
  type GrantMembership,
  type RevokeReason,
} from '@jit/events';

/** The actor of every event the provisioner publishes. */
export const PROVISIONER_ACTOR = 'service:provisioner';

/**
 * Where a grant is in its life. `granting` is approved and waiting for (or in the middle of) the
 * Okta call: a membership may exist from then on, so its deadline is already recorded.
 */
export type GrantStatus = 'requested' | 'granting' | 'active' | 'revoking' | 'revoked' | 'failed' | 'cancelled';

/** One request's grant, as the provisioner knows it from the request's events. */
export interface Grant {
  requestId: string;
  requester: string;
  applicationId: string;
  applicationName: string;
  oktaGroupId: string;
  durationSeconds: number;
  justification: string;
  status: GrantStatus;
  approvedBy?: string;
  approvalComment?: string;
  /** When access must be over even if the grant never completes: the final approval's time plus the duration. */
  deadline?: Date;
  /** An end of access asked for before access existed; it is applied the moment access exists. */
  endRequested?: RevokeReason;
  oktaUserId?: string;
  grantedAt?: Date;
  expiresAt?: Date;
  revokeReason?: RevokeReason;
  revokedAt?: Date;
  failureReason?: string;
  /** The ticket that records the grant, once opened. */
  ticketKey?: string;
  /** Whether the ticket says how access ended and is done. */
  ticketClosed?: boolean;
  /** Who approved the latest extension (its expiry is `expiresAt`): the ticket gets a comment for it. */
  extendedBy?: string;
}

/** What the provisioner knows of a request: nothing before its `requested` event, then its grant. */
export type GrantState = Grant | undefined;

/** The events of other services that a grant acts on. */
export type ObservedEvent = AccessEvent<'requested' | 'approved' | 'cancelled' | 'expired' | 'revoke_requested' | 'extension_approved'>;

/** The event types the grant rules produce. */
export type GrantEventType =
  | 'granted'
  | 'grant_retrying'
  | 'grant_failed'
  | 'revoked'
  | 'revoke_failed'
  | 'revoke_requested'
  | 'cancelled'
  | 'ticket_opened'
  | 'ticket_closed'
  | 'extended';

/** Why the directory or the catalog ends a request, whatever its state. */
export type EndReason = 'deprovisioned' | 'application_removed';

/** What can happen to a grant: an event heard from another service, or the result of a loop's vendor call. */
export type GrantCommand =
  | { kind: 'observe'; event: ObservedEvent }
  /** Okta confirmed the membership (before the grant's deadline; past it the grant is rolled back). */
  | { kind: 'complete_grant'; oktaUserId: string; membership: GrantMembership }
  /** The grant cannot complete (Okta refused it for good, or its deadline passed); no membership of it is left. */
  | { kind: 'fail_grant'; reason: string }
  /** A grant attempt failed in a way retrying may fix; `attempt` counts them, the first being 1. */
  | { kind: 'retry_grant'; error: string; attempt: number; nextAttemptAt: Date }
  /** Okta confirmed the membership is gone. */
  | { kind: 'confirm_revocation' }
  /** A revocation attempt failed; `attempt` counts them, the first being 1. */
  | { kind: 'fail_revocation'; error: string; attempt: number; nextAttemptAt: Date }
  /** The reconciliation found the grant holding access past its expiry (or deadline) with no `expired` heard. */
  | { kind: 'revoke_overdue' }
  /**
   * The directory or the catalog took the ground from under a request (the requester was
   * deactivated, or the application left the catalog): access that exists or may is revoked, and a
   * request not approved yet is closed.
   */
  | { kind: 'end_access'; reason: EndReason }
  /** Jira opened the grant's ticket. */
  | { kind: 'record_ticket_opened'; ticketKey: string }
  /** Jira closed the grant's ticket after the revocation. */
  | { kind: 'record_ticket_closed' };

type GrantDecision = Decision<GrantEventType>;

/**
 * The rules of a grant: requested → granting (approved; deadline recorded) → active → revoking →
 * revoked, or failed / cancelled before access exists. Once access exists it only ends through a
 * revocation, which stays pending until Okta confirms it. An end of access asked for while the
 * grant is still on its way (a cancellation racing the final approval, say) is kept and applied
 * as soon as the grant completes, so it can never be lost or leave access behind.
 */
export const grantDecider: Decider<GrantCommand, GrantState, GrantEventType> = {
  initialState: undefined,

  decide(command, grant, now): GrantDecision {
    switch (command.kind) {
      case 'observe':
        return observe(command.event, grant);
      case 'complete_grant':
        if (grant?.status !== 'granting') return nothing(`the grant is ${grant?.status ?? 'unknown'}`);
        // Past its deadline a grant is rolled back, never completed: its membership may be removed at any moment.
        if (grant.deadline && grant.deadline <= now) return nothing('the grant is past its deadline; it is rolled back');
        return accept({
          type: 'granted',
          data: {
            requester: grant.requester,
            applicationId: grant.applicationId,
            oktaGroupId: grant.oktaGroupId,
            oktaUserId: command.oktaUserId,
            grantedAt: now.toISOString(),
            expiresAt: new Date(now.getTime() + grant.durationSeconds * 1000).toISOString(),
            membership: command.membership,
          },
        });
      case 'fail_grant':
        if (grant?.status !== 'granting') return nothing(`the grant is ${grant?.status ?? 'unknown'}`);
        return accept({ type: 'grant_failed', data: { reason: command.reason } });
      case 'retry_grant':
        if (grant?.status !== 'granting') return nothing(`the grant is ${grant?.status ?? 'unknown'}`);
        return accept({
          type: 'grant_retrying',
          data: { reason: command.error || 'unknown error', attempt: command.attempt, nextAttemptAt: command.nextAttemptAt.toISOString() },
        });
      case 'confirm_revocation':
        if (grant?.status !== 'revoking') return nothing(`the grant is ${grant?.status ?? 'unknown'}`);
        return accept({ type: 'revoked', data: { reason: grant.revokeReason ?? 'admin', revokedAt: now.toISOString() } });
      case 'fail_revocation':
        if (grant?.status !== 'revoking') return nothing(`the grant is ${grant?.status ?? 'unknown'}`);
        return accept({
          type: 'revoke_failed',
          data: { reason: command.error || 'unknown error', attempt: command.attempt, nextAttemptAt: command.nextAttemptAt.toISOString() },
        });
      case 'revoke_overdue':
        if (!isOverdue(grant, now)) return nothing(`the grant is ${grant?.status ?? 'unknown'} and not overdue`);
        return accept({ type: 'revoke_requested', data: { reason: 'reconciliation', by: PROVISIONER_ACTOR } });
      case 'end_access':
        return endFor(grant, command.reason);
      case 'record_ticket_opened':
        if (!grant?.grantedAt) return notYet('no access was granted for a ticket to record');
        // A racing attempt may have opened a second ticket: the first one recorded stays the record.
        if (grant.ticketKey) return nothing(`the grant is recorded in ${grant.ticketKey} already`);
        return accept({ type: 'ticket_opened', data: { ticketKey: command.ticketKey } });
      case 'record_ticket_closed':
        if (!grant?.ticketKey || grant.status !== 'revoked') return notYet('the ticket closes once access is revoked');
        if (grant.ticketClosed) return nothing(`${grant.ticketKey} is closed already`);
        return accept({ type: 'ticket_closed', data: { ticketKey: grant.ticketKey } });
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },

  evolve(grant, event): GrantState {
    switch (event.type) {
      case 'requested':
        return grant ?? recordRequest(event);
      case 'approved':
        if (grant?.status !== 'requested' || !event.data.final) return grant;
        return {
          ...grant,
          status: 'granting',
          approvedBy: event.data.approver,
          approvalComment: event.data.comment,
          deadline: new Date(Date.parse(event.occurredAt) + grant.durationSeconds * 1000),
        };
      case 'cancelled':
        if (grant?.status === 'requested') return { ...grant, status: 'cancelled' };
        // Access may be on its way; whoever cancels a granted request is acting as an admin.
        return endAccess(grant, 'admin');
      case 'expired':
        return endAccess(grant, 'expired');
      case 'revoke_requested':
        return endAccess(grant, event.data.reason);
      case 'granted':
        if (grant?.status !== 'granting') return grant;
        return {
          ...grant,
          status: grant.endRequested ? 'revoking' : 'active',
          revokeReason: grant.endRequested,
          endRequested: undefined,
          oktaUserId: event.data.oktaUserId,
          grantedAt: new Date(event.data.grantedAt),
          expiresAt: new Date(event.data.expiresAt),
        };
      case 'grant_failed':
        if (grant?.status !== 'granting') return grant;
        return { ...grant, status: 'failed', endRequested: undefined, failureReason: event.data.reason };
      case 'revoked':
        if (grant?.status !== 'revoking') return grant;
        return { ...grant, status: 'revoked', revokeReason: event.data.reason, revokedAt: new Date(event.data.revokedAt) };
      case 'ticket_opened':
        return grant && !grant.ticketKey ? { ...grant, ticketKey: event.data.ticketKey } : grant;
      case 'ticket_closed':
        return grant ? { ...grant, ticketClosed: true } : grant;
      case 'extended':
        if (grant?.status !== 'active' || !grant.expiresAt || Date.parse(event.data.expiresAt) <= grant.expiresAt.getTime()) return grant;
        return { ...grant, expiresAt: new Date(event.data.expiresAt), extendedBy: event.data.by };
      // Attempts and the time of the next one are the loops' bookkeeping, not a rule.
      case 'grant_retrying':
      case 'revoke_failed':
      case 'approval_opened':
      case 'approval_escalated':
      case 'denied':
      case 'extension_requested':
      case 'extension_approved':
      case 'extension_denied':
        return grant;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
};

function observe(event: ObservedEvent, grant: GrantState): GrantDecision {
  if (event.type === 'requested') return grant ? nothing('the request is recorded already') : accept();
  if (!grant) return notYet('the request has not been recorded yet');
  switch (event.type) {
    case 'approved':
      if (!event.data.final) return nothing('an approval step that is not the final one');
      return grant.status === 'requested' ? accept() : nothing(`the grant is ${grant.status}`);
    case 'cancelled':
      if (grant.status === 'requested') return accept();
      return canEndAccess(grant) ? accept() : nothing(`the grant is ${grant.status}`);
    case 'extension_approved':
      return extension(grant, event);
    case 'expired':
    case 'revoke_requested':
      return canEndAccess(grant)
        ? accept()
        : nothing(`the grant is ${grant.status}${grant.endRequested ? ', its end asked for already' : ''}`);
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/**
 * An approved extension moves the expiry of active access, and says so (`extended`), which moves
 * the scheduler's timer; access that is ending or over keeps its end. The expiry is committed with
 * the event, so the reconciliation honours it from then on.
 */
function extension(grant: Grant, event: AccessEvent<'extension_approved'>): GrantDecision {
  if (grant.status !== 'active' || !grant.expiresAt) return nothing(`the grant is ${grant.status}; only active access is extended`);
  const expiresAt = new Date(grant.expiresAt.getTime() + event.data.durationSeconds * 1000).toISOString();
  return accept({ type: 'extended', data: { by: event.data.by, expiresAt } });
}

/** What `end_access` publishes: a close for a request not approved yet, a revocation for access that exists or may. */
function endFor(grant: GrantState, reason: EndReason): GrantDecision {
  if (!grant) return notYet('the request has not been recorded yet');
  if (grant.status === 'requested') {
    return accept({
      type: 'cancelled',
      data: { by: PROVISIONER_ACTOR, reason: reason === 'deprovisioned' ? 'requester_deactivated' : reason },
    });
  }
  if (!canEndAccess(grant)) return nothing(`the grant is ${grant.status}${grant.endRequested ? ', its end asked for already' : ''}`);
  return accept({ type: 'revoke_requested', data: { reason, by: PROVISIONER_ACTOR } });
}

function recordRequest(event: AccessEvent<'requested'>): Grant {
  const { data } = event;
  return {
    requestId: event.requestId,
    requester: data.requester,
    applicationId: data.application.id,
    applicationName: data.application.name,
    oktaGroupId: data.application.oktaGroupId,
    durationSeconds: data.durationSeconds,
    justification: data.justification,
    status: 'requested',
  };
}

/** Whether an end of access would change anything: access exists, or may yet, and no end is pending. */
function canEndAccess(grant: Grant): boolean {
  if (grant.status === 'active') return true;
  return (grant.status === 'requested' || grant.status === 'granting') && !grant.endRequested;
}

/** Active access starts its revocation; access still on its way keeps the first reason to end it. */
function endAccess(grant: GrantState, reason: RevokeReason): GrantState {
  if (!grant || !canEndAccess(grant)) return grant;
  if (grant.status === 'active') return { ...grant, status: 'revoking', revokeReason: reason };
  return { ...grant, endRequested: reason };
}

/** Active past its expiry, or still granting past its deadline with no end pending. */
function isOverdue(grant: GrantState, now: Date): boolean {
  if (grant?.status === 'active') return grant.expiresAt !== undefined && grant.expiresAt <= now;
  if (grant?.status === 'granting') return !grant.endRequested && grant.deadline !== undefined && grant.deadline <= now;
  return false;
}
