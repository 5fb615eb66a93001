import type { EventDraft, RequestedData, RevokeReason } from '@jit/events';

/** Where a grant is in its life. */
export type GrantStatus = 'requested' | 'granting' | 'active' | 'revoking' | 'revoked' | 'failed' | 'cancelled';

/** One request's grant, as the provisioner knows it. */
export interface Grant {
  requestId: string;
  requester: string;
  applicationId: string;
  applicationName: string;
  oktaGroupId: string;
  durationSeconds: number;
  justification: string;
  status: GrantStatus;
  oktaUserId?: string;
  ticketKey?: string;
  grantedAt?: Date;
  expiresAt?: Date;
  revokeReason?: RevokeReason;
  revokedAt?: Date;
  /** Failed revocation attempts so far. */
  attempts: number;
  nextAttemptAt?: Date;
  lastError?: string;
}

/** How long to wait between revocation attempts. */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** What can happen to a grant. */
export type GrantCommand =
  | { kind: 'record_request'; requestId: string; request: RequestedData }
  | { kind: 'cancel' }
  | { kind: 'start_grant' }
  | { kind: 'complete_grant'; oktaUserId: string; ticketKey: string }
  | { kind: 'fail_grant'; reason: string }
  | { kind: 'start_revocation'; reason: RevokeReason }
  | { kind: 'confirm_revocation' }
  | { kind: 'fail_revocation'; error: string; backoff: Backoff };

/** The grant to store and the events to publish, or why nothing happens now. */
export type GrantDecision =
  | { kind: 'apply'; grant: Grant; events: EventDraft[] }
  /** Nothing to do: the command was already applied, or the grant is past the point where it matters. */
  | { kind: 'skip'; reason: string }
  /** The grant is not ready for this yet (an earlier event has not arrived): retry later. */
  | { kind: 'not_ready'; reason: string };

const apply = (grant: Grant, events: EventDraft[] = []): GrantDecision => ({ kind: 'apply', grant, events });
const skip = (reason: string): GrantDecision => ({ kind: 'skip', reason });
const notReady = (reason: string): GrantDecision => ({ kind: 'not_ready', reason });

/**
 * The rules of a grant: requested → granting → active → revoking → revoked, or failed / cancelled
 * before access exists. Once access exists it can only end through revocation, and a revocation
 * stays pending until the identity provider confirms it.
 */
export function decide(command: GrantCommand, grant: Grant | undefined, now: Date): GrantDecision {
  if (command.kind === 'record_request') {
    if (grant) return skip('request already recorded');
    const { request } = command;
    return apply({
      requestId: command.requestId,
      requester: request.requester,
      applicationId: request.application.id,
      applicationName: request.application.name,
      oktaGroupId: request.application.oktaGroupId,
      durationSeconds: request.durationSeconds,
      justification: request.justification,
      status: 'requested',
      attempts: 0,
    });
  }
  if (!grant) return notReady('the request has not been recorded yet');

  switch (command.kind) {
    case 'cancel':
      if (grant.status === 'requested') return apply({ ...grant, status: 'cancelled' });
      if (grant.status === 'granting') return notReady('a grant is in progress; cancel once it settles');
      return skip(`grant is ${grant.status}`);
    case 'start_grant':
      if (grant.status === 'requested') return apply({ ...grant, status: 'granting' });
      if (grant.status === 'granting') return apply(grant);
      return skip(`grant is ${grant.status}`);
    case 'complete_grant': {
      if (grant.status !== 'granting') return skip(`grant is ${grant.status}`);
      const expiresAt = new Date(now.getTime() + grant.durationSeconds * 1000);
      const active: Grant = {
        ...grant,
        status: 'active',
        oktaUserId: command.oktaUserId,
        ticketKey: command.ticketKey,
        grantedAt: now,
        expiresAt,
      };
      return apply(active, [
        {
          type: 'granted',
          data: {
            requester: grant.requester,
            applicationId: grant.applicationId,
            oktaGroupId: grant.oktaGroupId,
            oktaUserId: command.oktaUserId,
            grantedAt: now.toISOString(),
            expiresAt: expiresAt.toISOString(),
            ticketKey: command.ticketKey,
          },
        },
      ]);
    }
    case 'fail_grant':
      if (grant.status !== 'requested' && grant.status !== 'granting') return skip(`grant is ${grant.status}`);
      return apply({ ...grant, status: 'failed', lastError: command.reason }, [{ type: 'grant_failed', data: { reason: command.reason } }]);
    case 'start_revocation':
      if (grant.status === 'active') {
        return apply({ ...grant, status: 'revoking', revokeReason: command.reason, attempts: 0, nextAttemptAt: now });
      }
      if (grant.status === 'requested' || grant.status === 'granting') return notReady('access has not been granted yet');
      return skip(`grant is ${grant.status}`);
    case 'confirm_revocation':
      if (grant.status !== 'revoking') return skip(`grant is ${grant.status}`);
      return apply({ ...grant, status: 'revoked', revokedAt: now, nextAttemptAt: undefined }, [
        { type: 'revoked', data: { reason: grant.revokeReason ?? 'admin', revokedAt: now.toISOString() } },
      ]);
    case 'fail_revocation': {
      if (grant.status !== 'revoking') return skip(`grant is ${grant.status}`);
      const attempt = grant.attempts + 1;
      const delay = Math.min(command.backoff.maxMs, command.backoff.baseMs * 2 ** (attempt - 1));
      return apply({ ...grant, attempts: attempt, lastError: command.error, nextAttemptAt: new Date(now.getTime() + delay) }, [
        { type: 'revoke_failed', data: { reason: command.error || 'unknown error', attempt } },
      ]);
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
