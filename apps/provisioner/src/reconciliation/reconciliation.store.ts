import type { EntityManager } from 'typeorm';
import { tableOf } from '@jit/events';
import type { GrantStatus } from '../grants/grant.decider.js';
import type { MembershipReason } from './membership.js';

/** What the reconciliation found: a member no grant explains, or a grant still active past its expiry. */
export type FindingKind = 'unexplained_member' | 'overdue_grant';

/** What the reconciliation did about a finding. */
export type FindingAction = 'reported' | 'removed' | 'revocation_started';

/** One finding of one reconciliation round. */
export interface Finding {
  kind: FindingKind;
  oktaGroupId: string;
  oktaUserId?: string;
  login: string;
  requestId?: string;
  action: FindingAction;
  foundAt: Date;
}

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

/** Records a finding. */
export async function recordFinding(manager: EntityManager, finding: Finding): Promise<void> {
  await manager.query(
    `INSERT INTO ${tableOf(manager, 'reconciliation_findings')} (kind, okta_group_id, okta_user_id, login, request_id, action, found_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
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
