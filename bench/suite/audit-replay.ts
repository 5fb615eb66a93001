import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import {
  createEvent,
  ensureStreams,
  migrate,
  openDataSource,
  subjectFor,
  SystemClock,
  type AccessEvent,
  type EventType,
} from '@jit/events';
import { connectTestNats, createTestDatabase, deleteTopology, sampleData, testTopology } from '@jit/events/testing';
import { auditService } from '../../apps/audit/src/service.js';
import { applyEvent, type Projection, type ProjectionRow } from '../../apps/audit/src/projections/projection.js';
import { projectionList, projections, replayProjection, type ProjectionName } from '../../apps/audit/src/projections/replay.js';
import { sqlOfClient } from '../../apps/audit/src/records/sql.js';
import type { Benchmark, BenchContext, BenchOutcome, Figure } from './types.js';
import { perSecond } from './types.js';

const lifecycle: EventType[] = ['requested', 'approved', 'granted', 'extended', 'revoke_requested', 'revoked'];

/** A table's row count and the md5 of every row's text, in request order: equal digests, equal tables. */
async function digestOf(client: pg.Client, table: string): Promise<{ rows: number; digest: string }> {
  const [row] = (
    await client.query(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY request_id), '')) AS digest FROM ${table} t`,
    )
  ).rows;
  return row;
}

/**
 * Replay of each projection from 100,000 events on the stream, in events per second, beside the raw
 * rate of inserting the same events as rows into Postgres in 1,000-row statements, measured in the
 * same run (goal: at least 80% of the raw rate); and whether the rebuilt table is identical to the
 * live one (row count and a digest of every row). The live tables are folded first as the recorder
 * folds them, event by event in stream order through the same `applyEvent`, a grant opening from
 * the request's earlier events in the store (here the raw table), in 1,000-event transactions rather
 * than one per event: recording 100,000 events through the service would take longer than the rest
 * of the suite.
 */
export const auditReplay: Benchmark = {
  name: 'audit-replay',
  title: 'Audit: replay of a projection',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const total = ctx.quick ? 6000 : 100_002;
    const nc = await connectTestNats();
    const topology = testTopology('bench_replay');
    await ensureStreams(await jetstreamManager(nc), topology);
    const url = await createTestDatabase('bench_replay');
    const dataSource = await openDataSource({ url, schema: 'audit', migrations: auditService.migrations });
    await migrate(dataSource);
    await dataSource.destroy();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      ctx.log(`publishing ${total} events`);
      const clock = new SystemClock();
      const events: AccessEvent[] = [];
      while (events.length < total) {
        const requestId = randomUUID();
        for (const type of lifecycle)
          events.push(createEvent({ type, data: sampleData[type] } as never, { requestId, actor: 'bench' }, clock));
      }
      const js = jetstream(nc);
      const seqs = new Map<AccessEvent, number>();
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < events.length) {
          const event = events[next++];
          seqs.set(event, (await js.publish(subjectFor(topology, event.type), JSON.stringify(event), { msgID: event.id })).seq);
        }
      };
      await Promise.all(Array.from({ length: 256 }, worker));
      events.sort((a, b) => seqs.get(a)! - seqs.get(b)!);

      ctx.log('raw insert of the same events');
      await client.query(`CREATE TABLE bench_raw (stream_seq bigint PRIMARY KEY, request_id text NOT NULL, event jsonb NOT NULL)`);
      const t = performance.now();
      for (let i = 0; i < events.length; i += 1000) {
        const batch = events.slice(i, i + 1000);
        await client.query(`INSERT INTO bench_raw SELECT * FROM unnest($1::bigint[], $2::text[], $3::jsonb[])`, [
          batch.map((e) => seqs.get(e)),
          batch.map((e) => e.requestId),
          batch.map((e) => JSON.stringify(e)),
        ]);
      }
      const raw = perSecond(events.length, performance.now() - t);

      ctx.log('folding the live projections event by event, as the recorder does');
      await client.query(`CREATE INDEX ON bench_raw (request_id, stream_seq)`);
      const live = await foldLive(client, events, seqs);

      const figures: Figure[] = [];
      const details: Record<string, unknown> = { events: events.length, liveFoldEventsPerSecond: live };
      for (const name of Object.keys(projections) as ProjectionName[]) {
        const { table } = projections[name];
        const before = await digestOf(client, table);
        ctx.log(`replaying ${name}`);
        const started = performance.now();
        const result = await replayProjection(client, nc, topology, { projection: name });
        const replay = perSecond(result.events, performance.now() - started);
        const rebuilt = await digestOf(client, table);
        const identical = rebuilt.rows === before.rows && rebuilt.digest === before.digest;
        const ratio = Math.round((replay / raw) * 100) / 100;
        figures.push(
          {
            name: `replay of ${result.events} events into the ${name} projection`,
            value: replay,
            unit: 'events/s',
            limit: { name: 'raw 1,000-row inserts of the same events', value: raw, unit: 'rows/s' },
            ratio,
            goal: 'ratio >= 0.8',
            pass: ratio >= 0.8,
          },
          {
            name: `rebuilt ${name} projection identical to the live one (rows, digest of every row)`,
            value: rebuilt.rows,
            unit: 'rows',
            limit: { name: 'rows of the live one', value: before.rows, unit: 'rows' },
            goal: 'identical',
            pass: identical,
          },
        );
        details[name] = { live: before, rebuilt, identical, replaySeconds: result.seconds };
      }
      return { figures, details };
    } finally {
      await client.end();
      await deleteTopology(nc, topology);
      await nc.close();
    }
  },
};

/** Folds every event into every projection's live table as the recorder does, 1,000 events a transaction; answers events per second. */
async function foldLive(client: pg.Client, events: AccessEvent[], seqs: Map<AccessEvent, number>): Promise<number> {
  const sql = sqlOfClient(client);
  const started = performance.now();
  for (let i = 0; i < events.length; i += 1000) {
    await sql('BEGIN');
    for (const event of events.slice(i, i + 1000)) {
      for (const projection of projectionList as Projection<ProjectionRow>[])
        await applyEvent(sql, projection, event, seqs.get(event)!, { events: 'bench_raw' });
    }
    await sql('COMMIT');
  }
  return perSecond(events.length, performance.now() - started);
}
