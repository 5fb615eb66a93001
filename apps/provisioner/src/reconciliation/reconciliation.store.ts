import type { EntityManager } from 'typeorm';
import { tableOf } from '@jit/events';
import type { GrantStatus } from '../grants/grant.decider.js';
import { overdue } from '../grants/grant.store.js';
import type { MembershipReason } from './membership.js';

/**
 * What the reconciliation found: a member no grant explains, a grant still holding access past its
 * expiry or deadline, or an open request whose requester Okta deactivated (suspended, deleted) or
 * whose application left the catalog.
 */
export type FindingKind = 'unexplained_member' | 'overdue_grant' | 'requester_deactivated' | 'application_removed';

/** What the reconciliation did about a finding: only reported it, removed the member, started the revocation, or ended the request. */
export type FindingAction = 'reported' | 'removed' | 'revocation_started' | 'access_ended';

/** One finding; `foundAt` is when it was first found (a finding that persists is recorded once). */
export interface Finding {
  kind: FindingKind;
  oktaGroupId: string;
  oktaUserId?: string;
  login: string;
  requestId?: string;
  action: FindingAction;
  foundAt: Date;
}

/** A finding as a round saw it: new this round, or still there since an earlier one. */
export interface SeenFinding extends Finding {
  new: boolean;
}

/** A row of the findings table. */
export interface FindingRow {
  kind: FindingKind;
  okta_group_id: string;
  okta_user_id: string | null;
  login: string;
  request_id: string | null;
  action: FindingAction;
  found_at: Date;
}

/** A finding as stored. */
export const toFinding = (row: FindingRow): Finding => ({
  kind: row.kind,
  oktaGroupId: row.okta_group_id,
  ...(row.okta_user_id ? { oktaUserId: row.okta_user_id } : {}),
  login: row.login,
  ...(row.request_id ? { requestId: row.request_id } : {}),
  action: row.action,
  foundAt: new Date(row.found_at),
});

/** Every Okta group the provisioner has ever granted access to. */
export async function grantedGroups(manager: EntityManager): Promise<string[]> {
  const rows: Array<{ okta_group_id: string }> = await manager.query(
    `SELECT DISTINCT okta_group_id FROM ${tableOf(manager, 'grants')} WHERE granted_at IS NOT NULL ORDER BY okta_group_id`,
  );
  return rows.map((row) => row.okta_group_id);
}

/** The grants of a group in one of `statuses`, or (with `changedSince`) changed at or after that time. */
export async function membershipReasons(
  manager: EntityManager,
  oktaGroupId: string,
  { statuses, changedSince }: { statuses: GrantStatus[]; changedSince?: Date },
): Promise<MembershipReason[]> {
  const rows: Array<{ okta_user_id: string | null; requester: string }> = await manager.query(
    `SELECT okta_user_id, requester FROM ${tableOf(manager, 'grants')}
     WHERE okta_group_id = $1 AND (status = ANY($2) OR updated_at >= $3)`,
    [oktaGroupId, statuses, changedSince ?? 'infinity'],
  );
  return rows.map((row) => ({ oktaUserId: row.okta_user_id ?? undefined, login: row.requester }));
}

/**
 * The people whose grant in this group tried to add them and was rolled back (failed) since `since`:
 * an add Okta applied after the rollback's removal left a member that is the system's own doing.
 */
export async function rolledBackAdds(manager: EntityManager, oktaGroupId: string, since: Date): Promise<MembershipReason[]> {
  const rows: Array<{ okta_user_id: string | null; requester: string }> = await manager.query(
    `SELECT okta_user_id, requester FROM ${tableOf(manager, 'grants')}
     WHERE okta_group_id = $1 AND status = 'failed' AND membership = 'added' AND updated_at >= $2`,
    [oktaGroupId, since],
  );
  return rows.map((row) => ({ oktaUserId: row.okta_user_id ?? undefined, login: row.requester }));
}

/**
 * Records a finding unless the same one (the same member of the same group, or the same overdue
 * grant) is still open from an earlier round. A finding acted on (a member removed, a revocation
 * started) is done the moment it is recorded; one only reported stays open until it goes away.
 */
export async function recordFinding(manager: EntityManager, finding: Finding): Promise<SeenFinding> {
  const table = tableOf(manager, 'reconciliation_findings');
  const inserted: FindingRow[] = await manager.query(
    `INSERT INTO ${table} (kind, okta_group_id, okta_user_id, login, request_id, action, found_at, resolved_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $6 = 'reported' THEN NULL ELSE $7::timestamptz END)
     ON CONFLICT (kind, okta_group_id, COALESCE(okta_user_id, ''), COALESCE(request_id::text, '')) WHERE resolved_at IS NULL DO NOTHING
     RETURNING *`,
    [
      finding.kind,
      finding.oktaGroupId,
      finding.oktaUserId ?? null,
      finding.login,
      finding.requestId ?? null,
      finding.action,
      finding.foundAt,
    ],
  );
  if (inserted[0]) return { ...toFinding(inserted[0]), new: true };
  const open: FindingRow[] = await manager.query(
    `SELECT * FROM ${table}
     WHERE kind = $1 AND okta_group_id = $2 AND COALESCE(okta_user_id, '') = $3 AND COALESCE(request_id::text, '') = $4 AND resolved_at IS NULL`,
    [finding.kind, finding.oktaGroupId, finding.oktaUserId ?? '', finding.requestId ?? ''],
  );
  return { ...toFinding(open[0]), new: false };
}

/** Marks resolved the open findings of members of `oktaGroupId` who are no longer unexplained members of it. */
export async function resolveMembers(manager: EntityManager, oktaGroupId: string, stillThere: string[], now: Date): Promise<Finding[]> {
  const [rows]: [FindingRow[], number] = await manager.query(
    `UPDATE ${tableOf(manager, 'reconciliation_findings')} SET resolved_at = $3
     WHERE kind = 'unexplained_member' AND okta_group_id = $1 AND resolved_at IS NULL AND NOT (okta_user_id = ANY($2))
     RETURNING *`,
    [oktaGroupId, stillThere, now],
  );
  return rows.map(toFinding);
}

/** Marks resolved the open findings of grants no longer holding access past `cutoff`. */
export async function resolveOverdue(manager: EntityManager, cutoff: Date, now: Date): Promise<Finding[]> {
  const [rows]: [FindingRow[], number] = await manager.query(
    `UPDATE ${tableOf(manager, 'reconciliation_findings')} AS f SET resolved_at = $2
     WHERE kind = 'overdue_grant' AND resolved_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM ${tableOf(manager, 'grants')} WHERE request_id = f.request_id AND ${overdue('$1')})
     RETURNING f.*`,
    [cutoff, now],
  );
  return rows.map(toFinding);
}

/** What the last round left: the open findings of every kind, counted. */
export async function openFindingCounts(manager: EntityManager): Promise<Record<FindingKind, number>> {
  const rows: Array<{ kind: FindingKind; count: number }> = await manager.query(
    `SELECT kind, count(*)::int AS count FROM ${tableOf(manager, 'reconciliation_findings')} WHERE resolved_at IS NULL GROUP BY kind`,
  );
  const counts: Record<FindingKind, number> = { unexplained_member: 0, overdue_grant: 0, requester_deactivated: 0, application_removed: 0 };
  for (const row of rows) counts[row.kind] = row.count;
  return counts;
}

/** The one row that keeps the last round's report. */
const LATEST = 'latest';

/** Keeps a round's report as the latest. */
export async function saveLatestRound(manager: EntityManager, startedAt: Date, finishedAt: Date, report: unknown): Promise<void> {
  await manager.query(
    `INSERT INTO ${tableOf(manager, 'reconciliation_latest_round')} (id, started_at, finished_at, report) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, report = EXCLUDED.report`,
    [LATEST, startedAt, finishedAt, JSON.stringify(report)],
  );
}

/** The last round's report, if a round has run. */
export async function latestRound(manager: EntityManager): Promise<unknown> {
  const rows: Array<{ report: unknown }> = await manager.query(
    `SELECT report FROM ${tableOf(manager, 'reconciliation_latest_round')} WHERE id = $1`,
    [LATEST],
  );
  return rows[0]?.report;
}

/** The one reconciliation lease: whoever holds it reconciles; the others skip the round. */
const LEASE_ID = 'reconciliation';

/** Takes the reconciliation lease until `until` if nobody holds it (or its holder's ran out); one statement, no transaction kept open. */
export async function takeReconciliationLease(manager: EntityManager, owner: string, now: Date, until: Date): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `INSERT INTO ${tableOf(manager, 'reconciliation_lease')} AS l (id, owner, until) VALUES ($1, $2, $4)
     ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until WHERE l.until <= $3 OR l.owner = $2
     RETURNING owner`,
    [LEASE_ID, owner, now, until],
  );
  return rows.length === 1;
}

/** Gives the reconciliation lease back, if `owner` still holds it. */
export async function releaseReconciliationLease(manager: EntityManager, owner: string, now: Date): Promise<void> {
  await manager.query(`UPDATE ${tableOf(manager, 'reconciliation_lease')} SET until = $3 WHERE id = $1 AND owner = $2`, [
    LEASE_ID,
    owner,
    now,
  ]);
}
