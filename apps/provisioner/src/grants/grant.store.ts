import type { EntityManager } from 'typeorm';
import { tableOf, type RevokeReason, type StateStore } from '@jit/events';
import { announceWork, type Lease } from '../leases/leased-loop.js';
import type { Grant, GrantState, GrantStatus } from './grant.decider.js';

/** A row of the grants table: the grant rules' state, then the loops' bookkeeping. */
export interface GrantRow {
  request_id: string;
  requester: string;
  application_id: string;
  application_name: string;
  okta_group_id: string;
  duration_seconds: number;
  justification: string;
  status: GrantStatus;
  approved_by: string | null;
  approval_comment: string | null;
  deadline: Date | null;
  end_requested: RevokeReason | null;
  okta_user_id: string | null;
  granted_at: Date | null;
  expires_at: Date | null;
  revoke_reason: RevokeReason | null;
  revoked_at: Date | null;
  failure_reason: string | null;
  attempts: number;
  ticket_key: string | null;
  ticket_commented_at: Date | null;
  ticket_closed_at: Date | null;
  ticket_attempts: number;
}

const date = (value: Date | null): Date | undefined => (value ? new Date(value) : undefined);

/** The grant rules' state held in a row. */
export function toGrant(row: GrantRow): Grant {
  return {
    requestId: row.request_id,
    requester: row.requester,
    applicationId: row.application_id,
    applicationName: row.application_name,
    oktaGroupId: row.okta_group_id,
    durationSeconds: row.duration_seconds,
    justification: row.justification,
    status: row.status,
    approvedBy: row.approved_by ?? undefined,
    approvalComment: row.approval_comment ?? undefined,
    deadline: date(row.deadline),
    endRequested: row.end_requested ?? undefined,
    oktaUserId: row.okta_user_id ?? undefined,
    grantedAt: date(row.granted_at),
    expiresAt: date(row.expires_at),
    revokeReason: row.revoke_reason ?? undefined,
    revokedAt: date(row.revoked_at),
    failureReason: row.failure_reason ?? undefined,
    ticketKey: row.ticket_key ?? undefined,
    ticketClosed: row.ticket_closed_at !== null,
  };
}

/**
 * Grants in the `grants` table. A change of status starts the Okta work of the new status afresh:
 * no attempts yet, due now, unclaimed.
 */
export const grantStore: StateStore<GrantState> = {
  async load(manager, requestId) {
    const rows: GrantRow[] = await manager.query(`SELECT * FROM ${tableOf(manager, 'grants')} WHERE request_id = $1 FOR UPDATE`, [
      requestId,
    ]);
    return rows[0] && toGrant(rows[0]);
  },

  async save(manager, requestId, grant, { before, now }) {
    if (!grant) return;
    await upsertGrant(manager, requestId, grant, now);
    if (before?.status === grant.status) return;
    // Wake the loop that has work now: Okta for a grant or a revocation, Jira for a ticket to open or close.
    if (grant.status === 'granting' || grant.status === 'revoking') await announceWork(manager, grant.status);
    if (grant.status === 'active' || grant.status === 'revoked') await announceWork(manager, 'tickets');
  },
};

async function upsertGrant(manager: EntityManager, requestId: string, grant: Grant, now: Date): Promise<void> {
  await manager.query(
    `INSERT INTO ${tableOf(manager, 'grants')} AS g (request_id, requester, application_id, application_name, okta_group_id,
         duration_seconds, justification, status, approved_by, approval_comment, deadline, end_requested, okta_user_id, granted_at,
         expires_at, revoke_reason, revoked_at, failure_reason, ticket_key, ticket_closed_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $20, CASE WHEN $21 THEN $19::timestamptz END, $19, $19)
       ON CONFLICT (request_id) DO UPDATE SET status = EXCLUDED.status, approved_by = EXCLUDED.approved_by,
         approval_comment = EXCLUDED.approval_comment, deadline = EXCLUDED.deadline, end_requested = EXCLUDED.end_requested,
         okta_user_id = EXCLUDED.okta_user_id, granted_at = EXCLUDED.granted_at, expires_at = EXCLUDED.expires_at,
         revoke_reason = EXCLUDED.revoke_reason, revoked_at = EXCLUDED.revoked_at, failure_reason = EXCLUDED.failure_reason,
         updated_at = EXCLUDED.updated_at,
         ticket_key = COALESCE(g.ticket_key, EXCLUDED.ticket_key),
         ticket_closed_at = COALESCE(g.ticket_closed_at, EXCLUDED.ticket_closed_at),
         attempts = CASE WHEN g.status = EXCLUDED.status THEN g.attempts ELSE 0 END,
         next_attempt_at = CASE WHEN g.status = EXCLUDED.status THEN g.next_attempt_at END,
         last_error = CASE WHEN g.status = EXCLUDED.status THEN g.last_error END,
         lease_owner = CASE WHEN g.status = EXCLUDED.status THEN g.lease_owner END,
         lease_until = CASE WHEN g.status = EXCLUDED.status THEN g.lease_until END`,
    [
      requestId,
      grant.requester,
      grant.applicationId,
      grant.applicationName,
      grant.oktaGroupId,
      grant.durationSeconds,
      grant.justification,
      grant.status,
      grant.approvedBy ?? null,
      grant.approvalComment ?? null,
      grant.deadline ?? null,
      grant.endRequested ?? null,
      grant.oktaUserId ?? null,
      grant.grantedAt ?? null,
      grant.expiresAt ?? null,
      grant.revokeReason ?? null,
      grant.revokedAt ?? null,
      grant.failureReason ?? null,
      now,
      grant.ticketKey ?? null,
      grant.ticketClosed ?? false,
    ],
  );
}

/** A grant claimed for its Okta work, with the attempts made so far in its current status. */
export interface OktaWork {
  grant: Grant;
  attempts: number;
}

/**
 * Leases up to `limit` grants in `status` whose next Okta attempt is due and that nobody holds (or
 * whose holder's lease ran out, as a crashed replica's does). One statement, so the claim commits
 * at once; `SKIP LOCKED` passes over rows another replica is claiming or a pipeline is changing.
 */
export async function claimOktaWork(
  manager: EntityManager,
  status: 'granting' | 'revoking',
  lease: Lease,
  limit: number,
): Promise<OktaWork[]> {
  const table = tableOf(manager, 'grants');
  const [rows]: [GrantRow[], number] = await manager.query(
    `UPDATE ${table} SET lease_owner = $1, lease_until = $2
     WHERE request_id IN (
       SELECT request_id FROM ${table}
       WHERE status = $3 AND (next_attempt_at IS NULL OR next_attempt_at <= $4) AND (lease_until IS NULL OR lease_until <= $4)
       ORDER BY next_attempt_at NULLS FIRST, updated_at
       LIMIT $5
       FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [lease.owner, lease.until, status, lease.now, limit],
  );
  return rows.map((row) => ({ grant: toGrant(row), attempts: row.attempts }));
}

/** Gives a grant's Okta work back, leaving it due, if `owner` still holds it. */
export async function releaseOktaWork(manager: EntityManager, requestId: string, owner: string): Promise<void> {
  await manager.query(
    `UPDATE ${tableOf(manager, 'grants')} SET lease_owner = NULL, lease_until = NULL WHERE request_id = $1 AND lease_owner = $2`,
    [requestId, owner],
  );
}

/** When and after how many failures to try a grant's Okta work again. */
export interface Retry {
  attempts: number;
  nextAttemptAt: Date;
  error: string;
}

/** Gives a grant's Okta work back to be tried again at `retry.nextAttemptAt`, if `owner` still holds it. */
export async function retryOktaWork(manager: EntityManager, requestId: string, owner: string, retry: Retry): Promise<void> {
  await manager.query(
    `UPDATE ${tableOf(manager, 'grants')}
     SET attempts = $3, next_attempt_at = $4, last_error = $5, lease_owner = NULL, lease_until = NULL
     WHERE request_id = $1 AND lease_owner = $2`,
    [requestId, owner, retry.attempts, retry.nextAttemptAt, retry.error],
  );
}

/**
 * Up to `limit` grants holding access past `cutoff` with no end under way: active past their
 * expiry, or still granting past their deadline.
 */
export async function overdueGrants(manager: EntityManager, cutoff: Date, limit: number): Promise<Grant[]> {
  const rows: GrantRow[] = await manager.query(
    `SELECT * FROM ${tableOf(manager, 'grants')}
     WHERE (status = 'active' AND expires_at < $1) OR (status = 'granting' AND end_requested IS NULL AND deadline < $1)
     ORDER BY COALESCE(expires_at, deadline)
     LIMIT $2`,
    [cutoff, limit],
  );
  return rows.map(toGrant);
}
