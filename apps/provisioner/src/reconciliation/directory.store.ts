import type { EntityManager } from 'typeorm';
import { tableOf } from '@jit/events';
import type { Grant } from '../grants/grant.decider.js';
import { toGrant, type GrantRow } from '../grants/grant.store.js';
import { toFinding, type Finding, type FindingRow } from './reconciliation.store.js';

/** A request not ended: not approved yet, granting with no end asked for, or active. */
const OPEN = `(status IN ('requested', 'active') OR (status = 'granting' AND end_requested IS NULL))`;

/** Up to `limit` people with a request open, those whose Okta status was read longest ago (or never) first. */
export async function requestersToCheck(manager: EntityManager, limit: number): Promise<string[]> {
  const rows: Array<{ requester: string }> = await manager.query(
    `SELECT g.requester FROM ${tableOf(manager, 'grants')} g
     LEFT JOIN ${tableOf(manager, 'requester_checks')} c ON c.login = lower(g.requester)
     WHERE ${OPEN}
     GROUP BY g.requester
     ORDER BY min(c.checked_at) NULLS FIRST, g.requester
     LIMIT $1`,
    [limit],
  );
  return rows.map((row) => row.requester);
}

/** Records that `login`'s Okta status was read at `now`. */
export async function recordRequesterChecked(manager: EntityManager, login: string, now: Date): Promise<void> {
  await manager.query(
    `INSERT INTO ${tableOf(manager, 'requester_checks')} (login, checked_at) VALUES ($1, $2)
     ON CONFLICT (login) DO UPDATE SET checked_at = EXCLUDED.checked_at`,
    [login.toLowerCase(), now],
  );
}

/** The open requests of one person. */
export async function openRequestsOf(manager: EntityManager, login: string): Promise<Grant[]> {
  const rows: GrantRow[] = await manager.query(
    `SELECT * FROM ${tableOf(manager, 'grants')} WHERE lower(requester) = lower($1) AND ${OPEN} ORDER BY created_at`,
    [login],
  );
  return rows.map(toGrant);
}

/** Up to `limit` open requests for applications that are not among `applicationIds` (the catalog's). */
export async function openRequestsOutside(manager: EntityManager, applicationIds: string[], limit: number): Promise<Grant[]> {
  const rows: GrantRow[] = await manager.query(
    `SELECT * FROM ${tableOf(manager, 'grants')} WHERE NOT (application_id = ANY($1)) AND ${OPEN} ORDER BY created_at LIMIT $2`,
    [applicationIds, limit],
  );
  return rows.map(toGrant);
}

/** Marks resolved the open findings about requests that are no longer open (ended since, by the reconciliation or otherwise). */
export async function resolveEndedRequests(manager: EntityManager, now: Date): Promise<Finding[]> {
  const [rows]: [FindingRow[], number] = await manager.query(
    `UPDATE ${tableOf(manager, 'reconciliation_findings')} AS f SET resolved_at = $1
     WHERE kind IN ('requester_deactivated', 'application_removed') AND resolved_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM ${tableOf(manager, 'grants')} WHERE request_id = f.request_id AND ${OPEN})
     RETURNING f.*`,
    [now],
  );
  return rows.map(toFinding);
}

/** Marks resolved the open findings that `login` was deactivated: Okta says they are active again. */
export async function resolveReactivated(manager: EntityManager, login: string, now: Date): Promise<Finding[]> {
  const [rows]: [FindingRow[], number] = await manager.query(
    `UPDATE ${tableOf(manager, 'reconciliation_findings')} SET resolved_at = $2
     WHERE kind = 'requester_deactivated' AND resolved_at IS NULL AND lower(login) = lower($1)
     RETURNING *`,
    [login, now],
  );
  return rows.map(toFinding);
}
