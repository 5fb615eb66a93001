import type { DataSource, EntityManager } from 'typeorm';
import { schemaOf, tableOf, type RevokeReason, type StateStore } from '@jit/events';
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
  membership: Membership | null;
  extended_by: string | null;
  ticket_extension_noted_to: Date | null;
}

/**
 * How a grant stands on its Okta membership: `added` by this system (recorded before the add is
 * tried, so a grant taken over after a crash knows it may have added it), or `preexisting`: the
 * person was a member of the shared group before, and no grant of ours explained it.
 */
export type Membership = 'added' | 'preexisting';

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
    extendedBy: row.extended_by ?? undefined,
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
    // An extension is a comment for the ticket to carry.
    if (grant.extendedBy && grant.expiresAt?.getTime() !== before?.expiresAt?.getTime()) await announceWork(manager, 'tickets');
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
         expires_at, revoke_reason, revoked_at, failure_reason, ticket_key, ticket_closed_at, created_at, updated_at, extended_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $20, CASE WHEN $21 THEN $19::timestamptz END, $19, $19, $22)
       ON CONFLICT (request_id) DO UPDATE SET status = EXCLUDED.status, approved_by = EXCLUDED.approved_by,
         approval_comment = EXCLUDED.approval_comment, deadline = EXCLUDED.deadline, end_requested = EXCLUDED.end_requested,
         okta_user_id = EXCLUDED.okta_user_id, granted_at = EXCLUDED.granted_at, expires_at = EXCLUDED.expires_at,
         revoke_reason = EXCLUDED.revoke_reason, revoked_at = EXCLUDED.revoked_at, failure_reason = EXCLUDED.failure_reason,
         updated_at = EXCLUDED.updated_at, extended_by = EXCLUDED.extended_by,
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
      grant.extendedBy ?? null,
    ],
  );
}

/** A grant claimed for its Okta work, with the attempts made so far in its current status. */
export interface OktaWork {
  grant: Grant;
  attempts: number;
  membership?: Membership;
}

/**
 * Leases up to `limit` grants in `status` whose next Okta attempt is due and that nobody holds (or
 * whose holder's lease ran out, as a crashed replica's does), in one short transaction.
 * `SKIP LOCKED` passes over rows another replica is claiming or a pipeline is changing.
 *
 * The Okta work of one person in one group is done one grant at a time, across loops and replicas:
 * a grant is not claimed while another grant of the same person and group is leased. Whether a
 * membership is added, kept or removed is decided from the other grants of that person and group,
 * so none of them may be changing it at the same moment. A transaction-scoped advisory lock per
 * person and group (taken in one order, so two claims never wait on each other in a circle) makes
 * the check and the lease one step for concurrent claims.
 */
export async function claimOktaWork(
  dataSource: DataSource,
  status: 'granting' | 'revoking',
  lease: Lease,
  limit: number,
): Promise<OktaWork[]> {
  return dataSource.transaction(async (manager) => {
    const table = tableOf(manager, 'grants');
    const othersLeased = `EXISTS (SELECT 1 FROM ${table} o
      WHERE o.okta_group_id = g.okta_group_id AND o.requester = g.requester AND o.request_id <> g.request_id AND o.lease_until > $1)`;
    const due: GrantRow[] = await manager.query(
      `SELECT * FROM ${table} g
       WHERE status = $2 AND (next_attempt_at IS NULL OR next_attempt_at <= $1) AND (lease_until IS NULL OR lease_until <= $1)
         AND NOT ${othersLeased}
       ORDER BY next_attempt_at NULLS FIRST, updated_at
       LIMIT $3
       FOR UPDATE SKIP LOCKED`,
      [lease.now, status, limit],
    );
    const candidates = onePerMember(due);
    if (candidates.length === 0) return [];
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended(key, 0)) FROM (SELECT key FROM unnest($1::text[]) AS key ORDER BY key) AS keys`,
      [[...new Set(candidates.map((row) => memberKey(manager, row)))]],
    );
    // A grant's claim never outlasts its deadline: should the holder die, or fail to record its result,
    // after Okta added the member, the rollback starts at the deadline rather than a whole lease later.
    const [rows]: [GrantRow[], number] = await manager.query(
      `UPDATE ${table} g SET lease_owner = $2,
         lease_until = CASE WHEN g.status = 'granting' AND g.deadline > $1 THEN LEAST($3::timestamptz, g.deadline) ELSE $3 END
       WHERE request_id = ANY($4) AND NOT ${othersLeased}
       RETURNING *`,
      [lease.now, lease.owner, lease.until, candidates.map((row) => row.request_id)],
    );
    return rows.map((row) => ({ grant: toGrant(row), attempts: row.attempts, membership: row.membership ?? undefined }));
  });
}

/**
 * When the next grant in `status` that is not due now falls due: its retry's time, or a lease
 * running out (any grant's in Okta work: a held lease also keeps the person's other grants in that
 * group back).
 */
export async function nextOktaWorkDue(manager: EntityManager, status: 'granting' | 'revoking', now: Date): Promise<Date | undefined> {
  const table = tableOf(manager, 'grants');
  const [row]: { next: Date | null }[] = await manager.query(
    `SELECT LEAST(
       (SELECT min(next_attempt_at) FROM ${table} WHERE status = $1 AND next_attempt_at > $2),
       (SELECT min(lease_until) FROM ${table} WHERE status IN ('granting', 'revoking') AND lease_until > $2)) AS next`,
    [status, now],
  );
  return row?.next ?? undefined;
}

/** The first grant of each person and group, so one claim never leases two of them. */
function onePerMember(rows: GrantRow[]): GrantRow[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const key = `${row.okta_group_id} ${row.requester}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The advisory lock key of one person in one group, within this service's schema. */
function memberKey(manager: EntityManager, row: GrantRow): string {
  return `${schemaOf(manager)}:membership:${row.okta_group_id}:${row.requester}`;
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
    `SELECT * FROM ${tableOf(manager, 'grants')} WHERE ${overdue('$1')} ORDER BY COALESCE(expires_at, deadline) LIMIT $2`,
    [cutoff, limit],
  );
  return rows.map(toGrant);
}

/** The SQL condition of a grant (columns unqualified) holding access past `cutoff` with no end under way. */
export function overdue(cutoff: string): string {
  return `((status = 'active' AND expires_at < ${cutoff}) OR (status = 'granting' AND end_requested IS NULL AND deadline < ${cutoff}))`;
}
