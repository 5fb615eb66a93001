import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { EventConsumer, NonRetryableEventError, ensureConsumer, ensureStreams, migrate, openDataSource, subjectFor } from '@jit/events';
import {
  connectTestNats,
  createTestDatabase,
  deleteTopology,
  sampleEvent,
  testNatsUrl,
  testTopology,
  topologyEnv,
  waitFor,
} from '@jit/events/testing';
import { runJit, runJitOutput } from './support/run-cli.js';

const topology = testTopology('cli');

const env = { NATS_URL: testNatsUrl, ...topologyEnv(topology) };

/** Runs `npm run jit -- <args>` against this file's streams. */
function jit(...args: string[]): Promise<any[]> {
  return runJit(args, env);
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

  it('says "none" on stderr, exiting 0 with nothing on stdout, when a consumer that exists has no dead letter', async () => {
    await ensureConsumer(await jetstreamManager(nc), topology, {
      name: 'clean',
      ackWaitMs: 5000,
      maxDeliver: 3,
      backoffMs: [100],
      maxAckPending: 10,
    });
    expect(await runJitOutput(['dead-letters', '--consumer', 'clean'], env)).toEqual({
      lines: [],
      stderr: 'none: no dead letters of consumer "clean"\n',
    });
  });

  it.each([
    [
      'a consumer the stream does not have',
      ['dead-letters', '--consumer', 'no-such-consumer'],
      `no consumer "no-such-consumer" on ${topology.stream}`,
    ],
    ['a dead letter that does not exist', ['retry', '999999'], `no dead letter #999999 in ${topology.deadLetterStream}`],
    ['a request no event names', ['history', 'no-such-request'], `no request no-such-request: no event in ${topology.stream} names it`],
  ])('exits 1 naming %s, with nothing on stdout', async (_, args, message) => {
    await expect(runJitOutput(args, env)).rejects.toMatchObject({ code: 1, stdout: '', stderr: `${message}\n` });
  });

  it('exits 2 with its usage when retry or history is not given what it needs', async () => {
    await expect(jit('retry', 'seven')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("retry needs a dead letter's sequence number"),
    });
    await expect(jit('history')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('history needs a request id') });
  });

  it('refuses an unknown command with its usage', async () => {
    await expect(jit('frobnicate')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
  });
});
