import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { EventConsumer, NonRetryableEventError, ensureConsumer, ensureStreams, migrate, openDataSource, subjectFor } from '@jit/events';
import { connectTestNats, createTestDatabase, deleteTopology, sampleEvent, testNatsUrl, testTopology, waitFor } from '@jit/events/testing';
import { runJit, topologyEnv } from './support/run-cli.js';

const topology = testTopology('cli');

/** Runs `npm run jit -- <args>` against this file's streams. */
function jit(...args: string[]): Promise<any[]> {
  return runJit(args, { NATS_URL: testNatsUrl, ...topologyEnv(topology) });
}

describe('ops CLI', () => {
  let nc: NatsConnection;
  let dataSource: DataSource;
  let consumer: EventConsumer;
  let refuse = true;

  beforeAll(async () => {
    nc = await connectTestNats();
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, topology);
    dataSource = await openDataSource({ url: await createTestDatabase('cli'), schema: 'svc' });
    await migrate(dataSource);
    await dataSource.query(`CREATE TABLE svc.effects (event_id uuid)`);
    const settings = { name: 'ops', ackWaitMs: 5000, maxDeliver: 3, backoffMs: [100], maxAckPending: 10 };
    await ensureConsumer(jsm, topology, settings);
    consumer = new EventConsumer({
      jetstream: jetstream(nc),
      dataSource,
      topology,
      settings,
      handlers: () => async (event, manager) => {
        if (refuse) throw new NonRetryableEventError('the grant table was not ready');
        await manager.query(`INSERT INTO svc.effects VALUES ($1)`, [event.id]);
      },
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer.stop();
    await dataSource.destroy();
    await deleteTopology(nc, topology);
    await nc.close();
  });

  it('lists a dead letter with its reason, retries it into the consumer that failed, and shows the request history', async () => {
    const event = sampleEvent('granted', 'ops-1');
    await jetstream(nc).publish(subjectFor(topology, 'granted'), JSON.stringify(event), { msgID: event.id });

    const letters = await waitFor(
      async () => {
        const found = await jit('dead-letters', '--consumer', 'ops');
        return found.length === 1 && found;
      },
      { what: 'the dead letter listed' },
    );
    expect(letters[0]).toMatchObject({
      consumer: 'ops',
      reason: 'handler refused the event: the grant table was not ready',
      originalSubject: subjectFor(topology, 'granted'),
    });
    expect(JSON.parse(letters[0].payload).id).toBe(event.id);
    expect(await jit('dead-letters', '--consumer', 'someone-else')).toEqual([]);

    refuse = false;
    const [retried] = await jit('retry', String(letters[0].seq));
    expect(retried.subject).toBe(subjectFor(topology, 'granted'));
    await waitFor(async () => (await dataSource.query(`SELECT 1 FROM svc.effects WHERE event_id = $1`, [event.id])).length === 1, {
      what: 'the retried event applied',
    });

    const history = await jit('history', 'ops-1');
    expect(history.map((e) => [e.id, e.type])).toEqual([
      [event.id, 'granted'],
      [event.id, 'granted'],
    ]);
  });

  it('refuses an unknown command with its usage', async () => {
    await expect(jit('frobnicate')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
  });
});
