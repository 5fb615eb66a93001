import { AckPolicy, StorageType, jetstreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { ensureConsumer, ensureStreams } from '@jit/events';
import { connectTestNats, deleteTopology, testTopology } from '@jit/events/testing';

describe('JetStream setup', () => {
  const topology = { ...testTopology('setup'), duplicateWindowMs: 90_000 };
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connectTestNats();
  });
  afterAll(async () => {
    await deleteTopology(nc, topology);
    await nc.close();
  });

  it('creates the access stream as the system of record, and creating it again changes nothing', async () => {
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, topology);
    await ensureStreams(jsm, topology);
    const { config } = await jsm.streams.info(topology.stream);
    expect(config).toMatchObject({
      subjects: [`${topology.prefix}.>`],
      storage: StorageType.File,
      num_replicas: 1,
      duplicate_window: nanos(90_000),
      max_age: 0,
      deny_delete: true,
      deny_purge: true,
    });
    expect((await jsm.streams.info(topology.deadLetterStream)).config.subjects).toEqual([`${topology.deadLetterPrefix}.>`]);
  });

  it('updates a stream only when its configuration differs, so a service that may not change streams starts against an unchanged one', async () => {
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, topology);
    await ensureStreams(jsm, { ...topology, duplicateWindowMs: 120_000 });
    expect((await jsm.streams.info(topology.stream)).config.duplicate_window).toBe(nanos(120_000));
    await ensureStreams(jsm, topology);
    expect((await jsm.streams.info(topology.stream)).config.duplicate_window).toBe(nanos(90_000));
  });

  it('creates a durable pull consumer with explicit acks, and updates it when the settings change', async () => {
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, topology);
    const settings = { name: 'svc', ackWaitMs: 30_000, maxDeliver: 5, backoffMs: [1000], maxAckPending: 64 };
    await ensureConsumer(jsm, topology, settings);
    await ensureConsumer(jsm, topology, { ...settings, maxDeliver: 8, ackWaitMs: 10_000 });
    const { config } = await jsm.consumers.info(topology.stream, 'svc');
    expect(config).toMatchObject({
      durable_name: 'svc',
      ack_policy: AckPolicy.Explicit,
      max_deliver: -1,
      ack_wait: nanos(10_000),
      max_ack_pending: 64,
      filter_subject: `${topology.prefix}.>`,
    });
  });
});
