import { normaliseLogin, type AccessEvent } from '@jit/events';
import type { Sql } from '../records/sql.js';

/** One request as the `requests` projection holds it: who, what, and where it stands, from its events. */
export interface RequestRow {
  request_id: string;
  requester: string | null;
  application_id: string | null;
  status: string;
  requested_at: string | null;
  granted_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  revoke_reason: string | null;
  /** The stream sequence of the last event folded in: an event at or before it is already in. */
  last_seq: number;
}

/** The projection's columns, in table order. */
export const requestColumns: (keyof RequestRow)[] = [
  'request_id',
  'requester',
  'application_id',
  'status',
  'requested_at',
  'granted_at',
  'expires_at',
  'revoked_at',
  'revoke_reason',
  'last_seq',
];

const columnTypes: Record<keyof RequestRow, string> = {
  request_id: 'text',
  requester: 'text',
  application_id: 'text',
  status: 'text',
  requested_at: 'timestamptz',
  granted_at: 'timestamptz',
  expires_at: 'timestamptz',
  revoked_at: 'timestamptz',
  revoke_reason: 'text',
  last_seq: 'bigint',
};

/**
 * A date-time as `toISOString` writes it. Events carry that form already (the envelope stamps it),
 * so it is kept as is; only another offset is parsed. A replay folds every event: parsing each date
 * was a tenth of its CPU.
 */
function iso(value: string): string {
  return value.length === 24 && value.endsWith('Z') ? value : new Date(value).toISOString();
}

/** Folds one event (decoded to its latest version) into its request's row. */
export function evolveRequest(row: RequestRow | undefined, event: AccessEvent, seq: number): RequestRow {
  const base: RequestRow = row ?? {
    request_id: event.requestId,
    requester: null,
    application_id: null,
    status: 'pending',
    requested_at: null,
    granted_at: null,
    expires_at: null,
    revoked_at: null,
    revoke_reason: null,
    last_seq: 0,
  };
  const next = { ...base, last_seq: seq };
  switch (event.type) {
    case 'requested':
      return {
        ...next,
        requester: normaliseLogin(event.data.requester),
        application_id: event.data.application.id,
        requested_at: iso(event.occurredAt),
      };
    case 'approved':
      return event.data.final && next.status === 'pending' ? { ...next, status: 'approved' } : next;
    case 'denied':
      return { ...next, status: 'denied' };
    case 'cancelled':
      return { ...next, status: 'cancelled' };
    case 'grant_failed':
      return { ...next, status: 'failed' };
    case 'granted':
      return {
        ...next,
        status: next.status === 'revoked' ? next.status : 'granted',
        requester: next.requester ?? normaliseLogin(event.data.requester),
        application_id: next.application_id ?? event.data.applicationId,
        granted_at: iso(event.data.grantedAt),
        expires_at: iso(event.data.expiresAt),
      };
    case 'extended':
      return { ...next, expires_at: iso(event.data.expiresAt) };
    case 'revoked':
      return next.revoked_at
        ? next
        : { ...next, status: 'revoked', revoked_at: iso(event.data.revokedAt), revoke_reason: event.data.reason };
    case 'approval_opened':
    case 'approval_escalated':
    case 'extension_requested':
    case 'extension_approved':
    case 'extension_denied':
    case 'grant_retrying':
    case 'expired':
    case 'revoke_requested':
    case 'revoke_failed':
    case 'ticket_opened':
    case 'ticket_closed':
      return next;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

interface StoredRow extends Omit<RequestRow, 'last_seq' | 'requested_at' | 'granted_at' | 'expires_at' | 'revoked_at'> {
  last_seq: string;
  requested_at: Date | null;
  granted_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

/** A row as Postgres answers it, in the projection's own types. */
export function rowOf(stored: StoredRow): RequestRow {
  const iso = (d: Date | null): string | null => d && d.toISOString();
  return {
    ...stored,
    requested_at: iso(stored.requested_at),
    granted_at: iso(stored.granted_at),
    expires_at: iso(stored.expires_at),
    revoked_at: iso(stored.revoked_at),
    last_seq: Number(stored.last_seq),
  };
}

/** Reads the rows of some requests, locked for the fold. */
export async function lockedRows(sql: Sql, table: string, requestIds: string[]): Promise<Map<string, RequestRow>> {
  const rows = await sql<StoredRow>(`SELECT * FROM ${table} WHERE request_id = ANY($1) FOR UPDATE`, [requestIds]);
  return new Map(rows.map((row) => [row.request_id, rowOf(row)]));
}

/**
 * Folds one event into the live projection, inside the transaction that records it. An event at or
 * before the row's last sequence is already in (a replay got there first), so applying is idempotent.
 */
export async function applyToRequests(sql: Sql, table: string, event: AccessEvent, seq: number): Promise<void> {
  const row = (await lockedRows(sql, table, [event.requestId])).get(event.requestId);
  if (row && row.last_seq >= seq) return;
  await upsertRows(sql, table, [evolveRequest(row, event, seq)]);
}

/** Writes rows in one statement (arrays unnested server-side: one round trip for the whole batch). */
export async function upsertRows(sql: Sql, table: string, rows: RequestRow[]): Promise<void> {
  if (rows.length === 0) return;
  const unnest = requestColumns.map((c, i) => `$${i + 1}::${columnTypes[c]}[]`).join(', ');
  const updates = requestColumns
    .filter((c) => c !== 'request_id')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  await sql(
    `INSERT INTO ${table} (${requestColumns.join(', ')}) SELECT * FROM unnest(${unnest})
     ON CONFLICT (request_id) DO UPDATE SET ${updates}`,
    requestColumns.map((c) => rows.map((row) => row[c])),
  );
}
