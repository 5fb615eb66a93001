import type { Sql } from '../records/sql.js';

/** A run of stream sequences, both ends included. */
export interface SeqRange {
  from: number;
  to: number;
}

/** What the stream says the store should hold. */
export interface StreamBounds {
  /** The stream's first and last sequence (first > last when it is empty). */
  first: number;
  last: number;
  /** Every sequence up to here the audit consumer has acknowledged, so the store must hold it. */
  ackFloor: number;
}

/** The stream as completeness reads it. */
export interface StreamView {
  bounds(): Promise<StreamBounds>;
  /**
   * The id of the event stored at a sequence; null when the message there is not a valid event (it
   * was dead-lettered, so no row is due); undefined when there is no message there.
   */
  eventIdAt(seq: number): Promise<string | null | undefined>;
}

/** Whether the store holds every sequence the stream says it should. */
export interface Completeness {
  ok: boolean;
  stream: { first: number; last: number };
  /** The last stream sequence the store holds (0 when empty). */
  storeHead: number;
  /** Sequences acknowledged by the audit consumer but not in the store, as ranges. */
  missing: SeqRange[];
  /** Sequences the consumer has not acknowledged yet: being recorded, not missing. */
  pending: SeqRange | null;
}

/** Gaps bigger than this are reported whole, without looking at each message. */
const MAX_EXAMINED = 10_000;

/**
 * Compares the store with the stream: every sequence from the stream's first to the consumer's ack
 * floor must be in the store, unless the message there needs no row (a republished event the store
 * already holds, which the inbox drops; an invalid message, which was dead-lettered). Ranges of the
 * gaps come from one pass over the `stream_seq` index.
 */
export async function checkCompleteness(sql: Sql, stream: StreamView, table = 'audit.audit_events'): Promise<Completeness> {
  const bounds = await stream.bounds();
  const [extent] = await sql<{ min: string | null; max: string | null }>(
    `SELECT min(stream_seq) AS min, max(stream_seq) AS max FROM ${table}`,
  );
  const storeHead = Number(extent.max ?? 0);
  const floor = Math.min(bounds.ackFloor, bounds.last);
  const gaps: SeqRange[] = [];
  if (extent.min === null) {
    if (floor >= bounds.first) gaps.push({ from: bounds.first, to: floor });
  } else {
    if (Number(extent.min) > bounds.first) gaps.push({ from: bounds.first, to: Math.min(Number(extent.min) - 1, floor) });
    const inner = await sql<{ from: string; to: string }>(
      `SELECT stream_seq + 1 AS from, next - 1 AS to FROM (
         SELECT stream_seq, lead(stream_seq) OVER (ORDER BY stream_seq) AS next FROM ${table}
       ) s WHERE next > stream_seq + 1 ORDER BY stream_seq`,
    );
    gaps.push(...inner.map((g) => ({ from: Number(g.from), to: Math.min(Number(g.to), floor) })));
    if (storeHead < floor) gaps.push({ from: storeHead + 1, to: floor });
  }
  const missing = await unexplained(
    sql,
    stream,
    gaps.filter((g) => g.from <= g.to),
    table,
  );
  const pendingFrom = Math.max(storeHead, floor) + 1;
  return {
    ok: missing.length === 0,
    stream: { first: bounds.first, last: bounds.last },
    storeHead,
    missing,
    pending: pendingFrom <= bounds.last ? { from: pendingFrom, to: bounds.last } : null,
  };
}

/** The parts of the gaps that no message explains, merged into ranges. */
async function unexplained(sql: Sql, stream: StreamView, gaps: SeqRange[], table: string): Promise<SeqRange[]> {
  const missing: SeqRange[] = [];
  const add = (seq: number): void => {
    const last = missing.at(-1);
    if (last && last.to === seq - 1) last.to = seq;
    else missing.push({ from: seq, to: seq });
  };
  let examined = 0;
  for (const gap of gaps) {
    for (let seq = gap.from; seq <= gap.to; seq++) {
      if (examined++ >= MAX_EXAMINED) {
        missing.push({ from: seq, to: gap.to });
        break;
      }
      const eventId = await stream.eventIdAt(seq);
      if (eventId === null) continue;
      if (eventId === undefined) {
        add(seq);
        continue;
      }
      const [held] = await sql(`SELECT 1 FROM ${table} WHERE event_id = $1`, [eventId]);
      if (!held) add(seq);
    }
  }
  return missing;
}
