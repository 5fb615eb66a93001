import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { createEvent, ensureStreams, migrate, openDataSource, SystemClock, type AccessEvent, type EventType } from '@jit/events';
import { connectTestNats, createTestDatabase, deleteTopology, sampleData, testTopology } from '@jit/events/testing';
import { subjectFor } from '@jit/events';
import { auditService } from '../../apps/audit/src/service.js';
import { replayProjection } from '../../apps/audit/src/projections/replay.js';
import type { Benchmark, BenchContext, BenchOutcome } from './types.js';
import { perSecond } from './types.js';

const lifecycle: EventType[] = ['requested', 'approved', 'granted', 'extended', 'revoked'];

/**
 * Replay of the `requests` projection from 100,000 events on the stream, in events per second,
 * beside the raw rate of inserting the same events as rows into Postgres in 1,000-row statements,
 * measured in the same run. Goal: at least 80% of the raw rate.
 */
export const auditReplay: Benchmark = {
  name: 'audit-replay',
  title: 'Audit: replay of a projection',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const total = ctx.quick ? 5000 : 100_000;
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
      for (let i = 0; events.length < total; i++) {
        const requestId = randomUUID();
        for (const type of lifecycle)
          events.push(createEvent({ type, data: sampleData[type] } as never, { requestId, actor: 'bench' }, clock));
      }
      const js = jetstream(nc);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < events.length) {
          const event = events[next++];
          await js.publish(subjectFor(topology, event.type), JSON.stringify(event), { msgID: event.id });
        }
      };
      await Promise.all(Array.from({ length: 256 }, worker));

      ctx.log('raw insert of the same events');
      await client.query(`CREATE TABLE bench_raw (stream_seq bigint PRIMARY KEY, request_id text NOT NULL, event jsonb NOT NULL)`);
      let t = performance.now();
      for (let i = 0; i < events.length; i += 1000) {
        const batch = events.slice(i, i + 1000);
        await client.query(`INSERT INTO bench_raw SELECT * FROM unnest($1::bigint[], $2::text[], $3::jsonb[])`, [
          batch.map((_, j) => i + j + 1),
          batch.map((e) => e.requestId),
          batch.map((e) => JSON.stringify(e)),
        ]);
      }
      const raw = perSecond(events.length, performance.now() - t);

      ctx.log('replaying');
      t = performance.now();
      const result = await replayProjection(client, nc, topology, { projection: 'requests' });
      const replay = perSecond(result.events, performance.now() - t);
      const ratio = Math.round((replay / raw) * 100) / 100;
      return {
        figures: [
          {
            name: `replay of ${result.events} events into the requests projection`,
            value: replay,
            unit: 'events/s',
            limit: { name: 'raw 1,000-row inserts of the same events', value: raw, unit: 'rows/s' },
            ratio,
            goal: 'ratio >= 0.8',
            pass: ratio >= 0.8,
          },
        ],
        details: { events: result.events, rows: result.rows, replaySeconds: result.seconds },
      };
    } finally {
      await client.end();
      await deleteTopology(nc, topology);
      await nc.close();
    }
  },
};
