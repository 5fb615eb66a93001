import type { EntityManager } from 'typeorm';
import { tableOf } from '@jit/events';
import type { Grant } from './grant.decider.js';

// Memberships are counted, not toggled. These read the committed grants of one person in one group
// (the claim in `claimOktaWork` keeps any other of them from changing Okta meanwhile), and record
// how a grant stands on its membership.

/** Records, before the add is tried, that this grant adds its membership; false when `owner` no longer holds the grant. */
export async function recordMembershipAdded(manager: EntityManager, requestId: string, owner: string): Promise<boolean> {
  const [, affected]: [unknown[], number] = await manager.query(
    `UPDATE ${tableOf(manager, 'grants')} SET membership = 'added' WHERE request_id = $1 AND lease_owner = $2 AND status = 'granting'`,
    [requestId, owner],
  );
  return affected === 1;
}

/** Records that the person was a member of the shared group before this grant, with no grant of ours to explain it. */
export async function recordMembershipPreexisting(manager: EntityManager, requestId: string): Promise<void> {
  await manager.query(`UPDATE ${tableOf(manager, 'grants')} SET membership = 'preexisting' WHERE request_id = $1`, [requestId]);
}

/**
 * Whether another grant of the same person and group added the membership and still stands on it:
 * then a membership found in Okta is ours, not one that predates every grant.
 */
export async function addedByAnotherGrant(manager: EntityManager, grant: Grant): Promise<boolean> {
  return anotherGrant(manager, grant, `membership = 'added' AND status IN ('granting', 'active', 'revoking')`);
}

/**
 * Whether another grant of the same person and group still justifies the membership when this one
 * ends: one that is active, or one still granting that may have added it already (it completes or
 * is rolled back, and then ends the membership itself). A grant being revoked justifies nothing, and
 * one still granting that has not tried Okta yet adds the membership again itself.
 */
export async function justifiedByAnotherGrant(manager: EntityManager, grant: Grant): Promise<boolean> {
  return anotherGrant(manager, grant, `status = 'active' OR (status = 'granting' AND membership = 'added')`);
}

async function anotherGrant(manager: EntityManager, grant: Grant, condition: string): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `SELECT 1 FROM ${tableOf(manager, 'grants')}
     WHERE okta_group_id = $1 AND requester = $2 AND request_id <> $3 AND (${condition})
     LIMIT 1`,
    [grant.oktaGroupId, grant.requester, grant.requestId],
  );
  return rows.length > 0;
}
