import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { EventConsumer, NonRetryableEventError, ensureConsumer, ensureStreams, migrate, openDataSource, subjectFor } from '@jit/events';
import { connectTestNats, createTestDatabase, deleteTopology, sampleEvent, testNatsUrl, testTopology, waitFor } from '@jit/events/testing';

const run = promisify(execFile);
const topology = testTopology('cli');

/** Runs `npm run jit -- <args>` as an operator would and parses its JSON lines. */
async function jit(...args: string[]): Promise<any[]> {
  const { stdout } = await run(process.execPath, ['--import', '@swc-node/register/esm-register', 'tools/cli/src/main.ts', ...args], {
    cwd: new URL('../../..', import.meta.url).pathname,
    env: {
      ...process.env,
      NATS_URL: testNatsUrl,
      JETSTREAM_STREAM: topology.stream,
      JETSTREAM_SUBJECT_PREFIX: topology.prefix,
      JETSTREAM_DEADLETTER_STREAM: topology.deadLetterStream,
      JETSTREAM_DEADLETTER_PREFIX: topology.deadLetterPrefix,
    },
  });
  return stdout.trim()
    ? stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
    : [];
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
