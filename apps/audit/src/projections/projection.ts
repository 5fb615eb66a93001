import type { AccessEvent } from '@jit/events';
import type { Sql } from '../records/sql.js';
import { readStoredEvent } from '../records/stored-event.js';

/** What every projection row carries: the request it is about and the last stream sequence folded in. */
export interface ProjectionRow {
  request_id: string;
  /** The stream sequence of the last event folded in: an event at or before it is already in. */
  last_seq: number;
}

/**
 * A query table folded from the events, one row per request at most, kept live by the recorder and
 * rebuilt by `replay`. The same `evolve` serves both, so a rebuilt table equals the live one.
 */
export interface Projection<Row extends ProjectionRow> {
  /** The table, schema-qualified. */
  table: string;
  /** Every column and its Postgres type, in table order. */
  columns: Record<keyof Row & string, string>;
  /** Folds one event (decoded to its latest version) into its request's state. */
  evolve(row: Row | undefined, event: AccessEvent, seq: number): Row;
  /** Whether a folded state is a row of the table (a grants row exists once there is a grant); every state when absent. */
  isRow?(row: Row): boolean;
  /**
   * Whether folding this event into a request with no row may open one from facts of the request's
   * earlier events (the grant's justification and approvers): the live fold then reads them from
   * the store first. Replay folds every event in memory and never needs it.
   */
  opensWithHistory?(event: AccessEvent): boolean;
}

/** Whether a folded state belongs in the table. */
export function isRowOf<Row extends ProjectionRow>(projection: Projection<Row>, row: Row): boolean {
  return projection.isRow?.(row) ?? true;
}

/** A row as Postgres answers it (dates as `Date`, bigints as text), in the projection's own types. */
export function rowOf<Row extends ProjectionRow>(projection: Projection<Row>, stored: Record<string, unknown>): Row {
  const row: Record<string, unknown> = {};
  for (const [column, type] of Object.entries<string>(projection.columns)) {
    const value = stored[column];
    row[column] =
      value === null || value === undefined
        ? null
        : type === 'timestamptz'
          ? (value as Date).toISOString()
          : type === 'bigint'
            ? Number(value)
            : value;
  }
  return row as Row;
}

/** Reads the rows of some requests, locked for the fold. */
export async function lockedRows<Row extends ProjectionRow>(
  sql: Sql,
  projection: Projection<Row>,
  table: string,
  requestIds: string[],
): Promise<Map<string, Row>> {
  const rows = await sql(`SELECT * FROM ${table} WHERE request_id = ANY($1) FOR UPDATE`, [requestIds]);
  return new Map(rows.map((stored) => [String(stored.request_id), rowOf(projection, stored)]));
}

/**
 * Folds one event into a projection's table (`table`, the live one by default), inside the
 * transaction that records it. An event at or before the row's last sequence is already in (a
 * replay got there first), so applying is idempotent. A row opened from history folds the request's
 * earlier recorded events (`events`, the audit store) first, as a replay would have.
 */
export async function applyEvent<Row extends ProjectionRow>(
  sql: Sql,
  projection: Projection<Row>,
  event: AccessEvent,
  seq: number,
  tables: { table?: string; events: string },
): Promise<void> {
  const table = tables.table ?? projection.table;
  let row = (await lockedRows(sql, projection, table, [event.requestId])).get(event.requestId);
  if (row && row.last_seq >= seq) return;
  if (!row && projection.opensWithHistory?.(event)) {
    const earlier = await sql<{ event: unknown; stream_seq: string }>(
      `SELECT event, stream_seq FROM ${tables.events} WHERE request_id = $1 AND stream_seq < $2 ORDER BY stream_seq`,
      [event.requestId, seq],
    );
    for (const recorded of earlier) row = projection.evolve(row, readStoredEvent(recorded.event), Number(recorded.stream_seq));
  }
  const next = projection.evolve(row, event, seq);
  if (isRowOf(projection, next)) await upsertRows(sql, projection, table, [next]);
}

/** Writes rows in one statement (arrays unnested server-side: one round trip for the whole batch). */
export async function upsertRows<Row extends ProjectionRow>(
  sql: Sql,
  projection: Projection<Row>,
  table: string,
  rows: Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(projection.columns) as (keyof Row & string)[];
  const unnest = columns.map((c, i) => `$${i + 1}::${projection.columns[c]}[]`).join(', ');
  const updates = columns
    .filter((c) => c !== 'request_id')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  await sql(
    `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${unnest})
     ON CONFLICT (request_id) DO UPDATE SET ${updates}`,
    columns.map((c) => rows.map((row) => encode(row[c], projection.columns[c]))),
  );
}

/** A value as a parameter of its column's array: a `jsonb` value travels as its JSON text. */
function encode(value: unknown, type: string): unknown {
  return type === 'jsonb' ? JSON.stringify(value) : value;
}

/**
 * Folds every event of the audit store (`events`), in stream order, into a projection's `table`:
 * how a projection added to a running store starts from what it holds. Reads 5,000 rows at a time.
 */
export async function foldStore<Row extends ProjectionRow>(
  sql: Sql,
  projection: Projection<Row>,
  table: string,
  events: string,
): Promise<void> {
  const rows = new Map<string, Row>();
  let after = -1;
  for (;;) {
    const page = await sql<{ event: unknown; stream_seq: string }>(
      `SELECT event, stream_seq FROM ${events} WHERE stream_seq > $1 ORDER BY stream_seq LIMIT 5000`,
      [after],
    );
    for (const recorded of page) {
      const event = readStoredEvent(recorded.event);
      rows.set(event.requestId, projection.evolve(rows.get(event.requestId), event, Number(recorded.stream_seq)));
    }
    if (page.length < 5000) break;
    after = Number(page.at(-1)!.stream_seq);
  }
  const all = [...rows.values()].filter((row) => isRowOf(projection, row));
  for (let i = 0; i < all.length; i += 5000) await upsertRows(sql, projection, table, all.slice(i, i + 5000));
}
