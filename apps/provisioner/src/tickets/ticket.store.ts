import type { EntityManager } from 'typeorm';
import { tableOf } from '@jit/events';
import type { Grant } from '../grants/grant.decider.js';
import { toGrant, type GrantRow, type Retry } from '../grants/grant.store.js';
import type { Lease } from '../leases/leased-loop.js';

/**
 * The next Jira step of a grant: open its ticket once access exists, comment on each extension
 * (`extendedTo`, the expiry it moved to), comment on and close it once access is revoked.
 */
export type TicketWork =
  | { step: 'open'; grant: Grant; attempts: number }
  | { step: 'note_extension'; grant: Grant; ticketKey: string; extendedTo: Date; attempts: number }
  | { step: 'close'; grant: Grant; ticketKey: string; commented: boolean; attempts: number };

/**
 * Leases up to `limit` grants with a Jira step due: granted with no ticket yet, or revoked with the
 * ticket still open. The ticket lease is separate from the Okta one, so Jira never waits for Okta
 * nor Okta for Jira.
 */
export async function claimTicketWork(manager: EntityManager, lease: Lease, limit: number): Promise<TicketWork[]> {
  const table = tableOf(manager, 'grants');
  const [rows]: [GrantRow[], number] = await manager.query(
    `UPDATE ${table} SET ticket_lease_owner = $1, ticket_lease_until = $2
     WHERE request_id IN (
       SELECT request_id FROM ${table}
       WHERE granted_at IS NOT NULL AND ticket_closed_at IS NULL
         AND (ticket_key IS NULL OR status = 'revoked' OR (extended_by IS NOT NULL AND ticket_extension_noted_to IS DISTINCT FROM expires_at))
         AND (ticket_next_attempt_at IS NULL OR ticket_next_attempt_at <= $3)
         AND (ticket_lease_until IS NULL OR ticket_lease_until <= $3)
       ORDER BY ticket_next_attempt_at NULLS FIRST, granted_at
       LIMIT $4
       FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [lease.owner, lease.until, lease.now, limit],
  );
  return rows.map((row): TicketWork => {
    const grant = toGrant(row);
    if (row.ticket_key === null) return { step: 'open', grant, attempts: row.ticket_attempts };
    if (row.status !== 'revoked' && row.expires_at) {
      return { step: 'note_extension', grant, ticketKey: row.ticket_key, extendedTo: row.expires_at, attempts: row.ticket_attempts };
    }
    return { step: 'close', grant, ticketKey: row.ticket_key, commented: row.ticket_commented_at !== null, attempts: row.ticket_attempts };
  });
}

/** When the next ticket step not due now falls due: its retry's time or its lease running out. */
export async function nextTicketWorkDue(manager: EntityManager, now: Date): Promise<Date | undefined> {
  const table = tableOf(manager, 'grants');
  const open = `granted_at IS NOT NULL AND ticket_closed_at IS NULL`;
  const [row]: { next: Date | null }[] = await manager.query(
    `SELECT LEAST(
       (SELECT min(ticket_next_attempt_at) FROM ${table} WHERE ${open} AND ticket_next_attempt_at > $1),
       (SELECT min(ticket_lease_until) FROM ${table} WHERE ${open} AND ticket_lease_until > $1)) AS next`,
    [now],
  );
  return row?.next ?? undefined;
}

/** Records that the ticket says the access was extended to `extendedTo`, and gives the step up. */
export async function recordExtensionNoted(manager: EntityManager, requestId: string, extendedTo: Date, owner: string): Promise<void> {
  await manager.query(
    `UPDATE ${tableOf(manager, 'grants')}
     SET ticket_extension_noted_to = $3, ticket_attempts = 0, ticket_next_attempt_at = NULL, ticket_error = NULL, ${releasedBy('$2')}
     WHERE request_id = $1`,
    [requestId, owner, extendedTo],
  );
}

/** Gives the ticket lease up if `owner` (a query parameter) holds it; progress is recorded whoever holds it now. */
const releasedBy = (owner: string): string =>
  `ticket_lease_owner = NULLIF(ticket_lease_owner, ${owner}), ticket_lease_until = CASE WHEN ticket_lease_owner = ${owner} THEN NULL ELSE ticket_lease_until END`;

/** Ends the opening step once the ticket is recorded (by the grant rules, as `ticket_opened`). */
export async function recordTicketOpened(manager: EntityManager, requestId: string, owner: string): Promise<void> {
  await manager.query(
    `UPDATE ${tableOf(manager, 'grants')}
     SET ticket_attempts = 0, ticket_next_attempt_at = NULL, ticket_error = NULL, ${releasedBy('$2')}
     WHERE request_id = $1`,
    [requestId, owner],
  );
}

/** Records that the revocation comment is on the ticket, so a retry of the close does not comment twice. */
export async function recordTicketCommented(manager: EntityManager, requestId: string, at: Date): Promise<void> {
  await manager.query(
    `UPDATE ${tableOf(manager, 'grants')} SET ticket_commented_at = COALESCE(ticket_commented_at, $2) WHERE request_id = $1`,
    [requestId, at],
  );
}

/** Ends the closing step once the closed ticket is recorded (by the grant rules, as `ticket_closed`): its Jira work is over. */
export async function recordTicketClosed(manager: EntityManager, requestId: string, owner: string): Promise<void> {
  await manager.query(
    `UPDATE ${tableOf(manager, 'grants')}
     SET ticket_attempts = 0, ticket_next_attempt_at = NULL, ticket_error = NULL, ${releasedBy('$2')}
     WHERE request_id = $1`,
    [requestId, owner],
  );
}

/** Gives a grant's Jira step back to be tried again at `retry.nextAttemptAt`, if `owner` still holds it. */
export async function retryTicketWork(manager: EntityManager, requestId: string, owner: string, retry: Retry): Promise<void> {
  await manager.query(
    `UPDATE ${tableOf(manager, 'grants')}
     SET ticket_attempts = $3, ticket_next_attempt_at = $4, ticket_error = $5, ticket_lease_owner = NULL, ticket_lease_until = NULL
     WHERE request_id = $1 AND ticket_lease_owner = $2`,
    [requestId, owner, retry.attempts, retry.nextAttemptAt, retry.error],
  );
}
