import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type pg from 'pg';
import { decodeEvent, type Topology } from '@jit/events';
import { sqlOfClient } from '../records/sql.js';
import { readStoredEvent } from '../records/stored-event.js';
import { grantsProjection } from './grants.js';
import { applyEvent, isRowOf, upsertRows, type Projection, type ProjectionRow } from './projection.js';
import { requestsProjection } from './requests.js';

/** The projections a replay can rebuild, by name. */
export const projections = { requests: requestsProjection, grants: grantsProjection } as const;

/** A projection's name. */
export type ProjectionName = keyof typeof projections;

/** Every projection, as the recorder folds each event into them. */
export const projectionList: Projection<ProjectionRow>[] = Object.values(projections) as Projection<ProjectionRow>[];

/** How far a replay has read. */
export interface ReplayProgress {
  seq: number;
  last: number;
  events: number;
  eventsPerSecond: number;
}

/** What a replay did. */
export interface ReplayResult {
  projection: ProjectionName;
  fromSeq: number;
  toSeq: number;
  events: number;
  rows: number;
  /** Events recorded by the service while the replay ran, folded in under the lock before the swap. */
  caughtUp: number;
  seconds: number;
  eventsPerSecond: number;
}

/** Rows written per statement. */
const BATCH_ROWS = 5000;

/**
 * Rebuilds a projection from the stream into a fresh table and swaps it in, while the service keeps
 * answering from (and writing to) the old one. Events are read from `fromSeq` (the stream's first by
 * default) to the stream's last sequence at the start, through the registry's upcasters, folded in
 * memory and written in batches. Then, in one transaction: the old table is locked against writers
 * (readers go on), the events the service recorded meanwhile are folded in from the audit store, the
 * old table's grants are copied, and the tables are renamed. A recording blocked on the lock fails
 * when the old table is dropped and is retried by the consumer into the new one; folding is
 * idempotent by sequence, so an event seen by both is applied once. `client` is the tables' owner.
 */
export async function replayProjection(
  client: pg.Client,
  nc: NatsConnection,
  topology: Topology,
  options: { projection: ProjectionName; fromSeq?: number; onProgress?: (progress: ReplayProgress) => void },
): Promise<ReplayResult> {
  const projection = projections[options.projection] as Projection<ProjectionRow>;
  const { table } = projection;
  const started = performance.now();
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(topology.stream);
  const fromSeq = Math.max(options.fromSeq ?? state.first_seq, state.first_seq);
  const fresh = `${table}_rebuild_${Date.now()}`;
  const sql = sqlOfClient(client);
  await sql(`CREATE TABLE ${fresh} (LIKE ${table} INCLUDING ALL)`);
  try {
    const rows = new Map<string, ProjectionRow>();
    let events = 0;
    if (state.messages > 0 && fromSeq <= state.last_seq) {
      const consumer = await jetstream(nc).consumers.get(topology.stream, {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: fromSeq,
      });
      const messages = await consumer.consume({ max_messages: 5000 });
      let reported = 0;
      for await (const message of messages) {
        const decoded = decodeEvent(safeJson(message.string()));
        // An invalid message was dead-lettered, never applied: the projection skips it as the service did.
        if (decoded.ok) {
          const { requestId } = decoded.event;
          const row = rows.get(requestId);
          if (!row || row.last_seq < message.seq) rows.set(requestId, projection.evolve(row, decoded.event, message.seq));
        }
        events++;
        if (options.onProgress && (events - reported >= 1000 || message.seq >= state.last_seq)) {
          reported = events;
          options.onProgress({
            seq: message.seq,
            last: state.last_seq,
            events,
            eventsPerSecond: events / ((performance.now() - started) / 1000),
          });
        }
        if (message.seq >= state.last_seq) break;
      }
      await messages.close();
    }
    const all = [...rows.values()].filter((row) => isRowOf(projection, row));
    for (let i = 0; i < all.length; i += BATCH_ROWS) await upsertRows(sql, projection, fresh, all.slice(i, i + BATCH_ROWS));
    const caughtUp = await swapIn(client, projection, fresh, state.last_seq);
    const seconds = (performance.now() - started) / 1000;
    return {
      projection: options.projection,
      fromSeq,
      toSeq: state.last_seq,
      events,
      rows: all.length,
      caughtUp,
      seconds,
      eventsPerSecond: events / seconds,
    };
  } catch (error) {
    await sql(`DROP TABLE IF EXISTS ${fresh}`).catch(() => undefined);
    throw error;
  }
}

/** Catches the fresh table up with what the service recorded after `lastSeq`, then swaps it in; answers how many events it folded. */
async function swapIn(client: pg.Client, projection: Projection<ProjectionRow>, fresh: string, lastSeq: number): Promise<number> {
  const sql = sqlOfClient(client);
  const { table } = projection;
  const [schema, name] = table.split('.');
  await sql('BEGIN');
  try {
    // Blocks the service's writes to the projection (and so its recording) until commit; reads go on.
    await sql(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`);
    const recorded = await sql<{ event: unknown; stream_seq: string }>(
      `SELECT event, stream_seq FROM ${schema}.audit_events WHERE stream_seq > $1 ORDER BY stream_seq`,
      [lastSeq],
    );
    const events = `${schema}.audit_events`;
    for (const { event, stream_seq } of recorded)
      await applyEvent(sql, projection, readStoredEvent(event), Number(stream_seq), { table: fresh, events });
    const grants = await sql<{ grantee: string; privileges: string }>(
      `SELECT grantee, string_agg(privilege_type, ', ') AS privileges FROM information_schema.role_table_grants
       WHERE table_schema = $1 AND table_name = $2 AND grantee <> current_user GROUP BY grantee`,
      [schema, name],
    );
    for (const { grantee, privileges } of grants) await sql(`GRANT ${privileges} ON ${fresh} TO "${grantee.replace(/"/g, '""')}"`);
    const retired = `${name}_retired_${Date.now()}`;
    await sql(`ALTER TABLE ${table} RENAME TO ${retired}`);
    await sql(`ALTER TABLE ${fresh} RENAME TO ${name}`);
    await sql(`DROP TABLE ${schema}.${retired}`);
    await sql('COMMIT');
    return recorded.length;
  } catch (error) {
    await sql('ROLLBACK');
    throw error;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
