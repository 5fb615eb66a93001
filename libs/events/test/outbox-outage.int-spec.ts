import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { Outbox, OutboxRelay, ensureStreams, migrate, openDataSource } from '@jit/events';
import { PrivateNatsServer, createTestDatabase, sampleEvent, testTopology, waitFor } from '@jit/events/testing';
import { streamMessages } from './fixtures/harness.js';

describe('outbox relay during a NATS outage', () => {
  let server: PrivateNatsServer;
  let nc: NatsConnection;
  let dataSource: DataSource;
  const topology = testTopology('outage');

  beforeAll(async () => {
    server = await PrivateNatsServer.start();
    nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    await ensureStreams(await jetstreamManager(nc), topology);
    dataSource = await openDataSource({ url: await createTestDatabase('outbox_outage'), schema: 'svc' });
    await migrate(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await nc.close();
    await server.stop();
  });

  it('an event committed while NATS is down is delivered once NATS is back', async () => {
    const relay = new OutboxRelay({ dataSource, jetstream: jetstream(nc), maxBackoffMs: 200, publishTimeoutMs: 500 });
    relay.start();
    try {
      await server.stop();
      const event = sampleEvent('granted', 'outage-1');
      await dataSource.transaction((m) => new Outbox(topology).enqueue(m, [event]));
      // The relay has tried and failed at least once while the server was down.
      await waitFor(
        async () => {
          const [row] = await dataSource.query(`SELECT attempts, published_at FROM svc.outbox WHERE id = $1`, [event.id]);
          return row.attempts >= 1 && row.published_at === null;
        },
        { what: 'a failed publish attempt' },
      );

      await server.restart();
      await waitFor(
        async () => {
          const [row] = await dataSource.query(`SELECT published_at FROM svc.outbox WHERE id = $1`, [event.id]);
          return row.published_at !== null;
        },
        { timeoutMs: 20_000, what: 'the row marked published' },
      );
      const stored = await streamMessages(await jetstreamManager(nc), topology.stream);
      expect(stored.map((m) => JSON.parse(m.data).id)).toEqual([event.id]);
    } finally {
      await relay.stop();
    }
  });
});
