import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { connectTestNats, createTestDatabase, deleteTopology, testTopology } from '@jit/events/testing';
import { ensureStreams } from '@jit/events';
import type { BenchContext, BenchOutcome, RawLimits } from './types.js';
import { perSecond } from './types.js';

/**
 * The machine's ceilings, measured first in every run so each figure can be read against them on a
 * noisy machine: JetStream publish with ack (one at a time, 256 in flight), consume with ack, Postgres
 * single-row commits and 1,000-row batch inserts.
 */
export async function measureRawLimits(ctx: Pick<BenchContext, 'quick' | 'log'>): Promise<{ limits: RawLimits; outcome: BenchOutcome }> {
  const n = ctx.quick
    ? { serial: 200, windowed: 2000, commits: 200, batches: 5 }
    : { serial: 3000, windowed: 30_000, commits: 2000, batches: 50 };
  const payload = JSON.stringify({ id: '0e5d1c63-3f0c-4a8e-9a51-5b7f0a2f3c11', type: 'granted', data: { pad: 'x'.repeat(400) } });
  const nc = await connectTestNats();
  const topology = testTopology('bench_raw');
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm, topology);
  const js = jetstream(nc);
  const subject = `${topology.prefix}.granted`;
  try {
    let t = performance.now();
    for (let i = 0; i < n.serial; i++) await js.publish(subject, payload);
    const publishAckSerial = perSecond(n.serial, performance.now() - t);

    t = performance.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next++ < n.windowed) await js.publish(subject, payload);
    };
    await Promise.all(Array.from({ length: 256 }, worker));
    const publishAck256 = perSecond(n.windowed, performance.now() - t);

    await jsm.consumers.add(topology.stream, { durable_name: 'bench', ack_policy: AckPolicy.Explicit, max_ack_pending: 1024 });
    const total = n.serial + n.windowed;
    const consumer = await js.consumers.get(topology.stream, 'bench');
    const messages = await consumer.consume({ max_messages: 512 });
    t = performance.now();
    let consumed = 0;
    for await (const message of messages) {
      message.ack();
      if (++consumed >= total) break;
    }
    await messages.close();
    const consumeAck = perSecond(total, performance.now() - t);

    const client = new pg.Client({ connectionString: await createTestDatabase('bench_raw') });
    await client.connect();
    try {
      await client.query(`CREATE TABLE rows (id bigint PRIMARY KEY, request_id text NOT NULL, event jsonb NOT NULL)`);
      t = performance.now();
      for (let i = 0; i < n.commits; i++) await client.query(`INSERT INTO rows VALUES ($1, $2, $3)`, [i, `r${i}`, payload]);
      const pgCommit = perSecond(n.commits, performance.now() - t);
      t = performance.now();
      for (let b = 0; b < n.batches; b++) {
        const ids = Array.from({ length: 1000 }, (_, i) => 1_000_000 + b * 1000 + i);
        await client.query(`INSERT INTO rows SELECT * FROM unnest($1::bigint[], $2::text[], $3::jsonb[])`, [
          ids,
          ids.map((id) => `r${id}`),
          ids.map(() => payload),
        ]);
      }
      const pgBatchRows = perSecond(n.batches * 1000, performance.now() - t);
      const limits = { publishAckSerial, publishAck256, consumeAck, pgCommit, pgBatchRows };
      return {
        limits,
        outcome: {
          figures: [
            { name: 'JetStream publish with ack, one at a time', value: publishAckSerial, unit: 'msg/s' },
            { name: 'JetStream publish with ack, 256 in flight', value: publishAck256, unit: 'msg/s' },
            { name: 'JetStream consume with ack', value: consumeAck, unit: 'msg/s' },
            { name: 'Postgres single-row commits', value: pgCommit, unit: 'tx/s' },
            { name: 'Postgres 1,000-row batch inserts', value: pgBatchRows, unit: 'rows/s' },
          ],
        },
      };
    } finally {
      await client.end();
    }
  } finally {
    await deleteTopology(nc, topology);
    await nc.close();
  }
}
