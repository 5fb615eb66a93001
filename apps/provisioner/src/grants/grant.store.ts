import type { EntityManager } from 'typeorm';
import { tableOf, type RevokeReason } from '@jit/events';
import type { Grant, GrantStatus } from './grant.decider.js';

interface GrantRow {
  request_id: string;
  requester: string;
  application_id: string;
  application_name: string;
  okta_group_id: string;
  okta_user_id: string | null;
  duration_seconds: number;
  justification: string;
  status: GrantStatus;
  ticket_key: string | null;
  granted_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoke_reason: RevokeReason | null;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
}

const date = (value: Date | null): Date | undefined => (value ? new Date(value) : undefined);

function toGrant(row: GrantRow): Grant {
  return {
    requestId: row.request_id,
    requester: row.requester,
    applicationId: row.application_id,
    applicationName: row.application_name,
    oktaGroupId: row.okta_group_id,
    durationSeconds: row.duration_seconds,
    justification: row.justification,
    status: row.status,
    oktaUserId: row.okta_user_id ?? undefined,
    ticketKey: row.ticket_key ?? undefined,
    grantedAt: date(row.granted_at),
    expiresAt: date(row.expires_at),
    revokeReason: row.revoke_reason ?? undefined,
    revokedAt: date(row.revoked_at),
    attempts: row.attempts,
    nextAttemptAt: date(row.next_attempt_at),
    lastError: row.last_error ?? undefined,
  };
}

/** Loads a grant; `lock` holds its row until the transaction ends. */
export async function loadGrant(manager: EntityManager, requestId: string, { lock = false } = {}): Promise<Grant | undefined> {
  const rows: GrantRow[] = await manager.query(
    `SELECT * FROM ${tableOf(manager, 'grants')} WHERE request_id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [requestId],
  );
  return rows[0] && toGrant(rows[0]);
}

/** Inserts or updates a grant. */
export async function saveGrant(manager: EntityManager, grant: Grant, now: Date): Promise<void> {
  await manager.query(
    `INSERT INTO ${tableOf(manager, 'grants')} (request_id, requester, application_id, application_name, okta_group_id, duration_seconds,
       justification, status, okta_user_id, ticket_key, granted_at, expires_at, revoked_at, revoke_reason, attempts, next_attempt_at, last_error,
       created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)
     ON CONFLICT (request_id) DO UPDATE SET status = $8, okta_user_id = $9, ticket_key = $10, granted_at = $11, expires_at = $12,
       revoked_at = $13, revoke_reason = $14, attempts = $15, next_attempt_at = $16, last_error = $17, updated_at = $18`,
    [
      grant.requestId,
      grant.requester,
      grant.applicationId,
      grant.applicationName,
      grant.oktaGroupId,
      grant.durationSeconds,
      grant.justification,
      grant.status,
      grant.oktaUserId ?? null,
      grant.ticketKey ?? null,
      grant.grantedAt ?? null,
      grant.expiresAt ?? null,
      grant.revokedAt ?? null,
      grant.revokeReason ?? null,
      grant.attempts,
      grant.nextAttemptAt ?? null,
      grant.lastError ?? null,
      now,
    ],
  );
}

/** Records that granting has begun (vendor calls may follow), unless the grant moved on meanwhile. */
export async function markGranting(manager: EntityManager, requestId: string, now: Date): Promise<void> {
  await manager.query(
    `UPDATE ${tableOf(manager, 'grants')} SET status = 'granting', updated_at = $2 WHERE request_id = $1 AND status = 'requested'`,
    [requestId, now],
  );
}

/** Remembers the ticket opened for a grant, keeping the first one if a racing attempt opened another. */
export async function recordTicketKey(manager: EntityManager, requestId: string, key: string, now: Date): Promise<void> {
  await manager.query(
    `UPDATE ${tableOf(manager, 'grants')} SET ticket_key = $2, updated_at = $3 WHERE request_id = $1 AND ticket_key IS NULL`,
    [requestId, key, now],
  );
}

/**
 * Claims one grant whose revocation attempt is due. `SKIP LOCKED` lets replicas work through
 * revocations side by side without two of them revoking the same grant.
 */
export async function claimDueRevocation(manager: EntityManager, now: Date): Promise<Grant | undefined> {
  const rows: GrantRow[] = await manager.query(
    `SELECT * FROM ${tableOf(manager, 'grants')}
     WHERE status = 'revoking' AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
     ORDER BY next_attempt_at NULLS FIRST
     LIMIT 1
     FOR UPDATE SKIP LOCKED`,
    [now],
  );
  return rows[0] && toGrant(rows[0]);
}

/** Locks up to `limit` grants still active although they expired before `cutoff`, skipping rows another transaction holds. */
export async function claimOverdueGrants(manager: EntityManager, cutoff: Date, limit: number): Promise<Grant[]> {
  const rows: GrantRow[] = await manager.query(
    `SELECT * FROM ${tableOf(manager, 'grants')}
     WHERE status = 'active' AND expires_at < $1
     ORDER BY expires_at
     LIMIT $2
     FOR UPDATE SKIP LOCKED`,
    [cutoff, limit],
  );
  return rows.map(toGrant);
}

/** The ticket work left after a revocation. */
export interface TicketFollowUp {
  requestId: string;
  ticketKey: string;
  revokeReason: RevokeReason;
  revokedAt: Date;
  commented: boolean;
  attempts: number;
}

/** Claims one revoked grant whose ticket is still open and due for another try. */
export async function claimDueTicketFollowUp(manager: EntityManager, now: Date): Promise<TicketFollowUp | undefined> {
  const rows: Array<{
    request_id: string;
    ticket_key: string;
    revoke_reason: RevokeReason;
    revoked_at: Date;
    ticket_commented_at: Date | null;
    ticket_attempts: number;
  }> = await manager.query(
    `SELECT request_id, ticket_key, revoke_reason, revoked_at, ticket_commented_at, ticket_attempts FROM ${tableOf(manager, 'grants')}
       WHERE status = 'revoked' AND ticket_key IS NOT NULL AND ticket_closed_at IS NULL AND ticket_next_attempt_at <= $1
       ORDER BY ticket_next_attempt_at
       LIMIT 1
       FOR UPDATE SKIP LOCKED`,
    [now],
  );
  const row = rows[0];
  return (
    row && {
      requestId: row.request_id,
      ticketKey: row.ticket_key,
      revokeReason: row.revoke_reason,
      revokedAt: new Date(row.revoked_at),
      commented: row.ticket_commented_at !== null,
      attempts: row.ticket_attempts,
    }
  );
}

/** How far closing a ticket got, and when to try again if it did not finish. */
export interface TicketProgress {
  commentedAt?: Date;
  closedAt?: Date;
  attempts: number;
  nextAttemptAt?: Date;
  error?: string;
}

/** Stores how far closing a grant's ticket got. */
export async function saveTicketProgress(manager: EntityManager, requestId: string, progress: TicketProgress): Promise<void> {
  await manager.query(
    `UPDATE ${tableOf(manager, 'grants')} SET ticket_commented_at = COALESCE(ticket_commented_at, $2), ticket_closed_at = $3,
       ticket_attempts = $4, ticket_next_attempt_at = $5, ticket_error = $6
     WHERE request_id = $1`,
    [
      requestId,
      progress.commentedAt ?? null,
      progress.closedAt ?? null,
      progress.attempts,
      progress.nextAttemptAt ?? null,
      progress.error ?? null,
    ],
  );
}
