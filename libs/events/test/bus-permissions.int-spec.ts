import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  busServices,
  deadLetterSubject,
  ensureConsumer,
  ensureStreams,
  eventOwners,
  eventTypes,
  inboxPrefixOf,
  natsAuthorizationBlock,
  subjectFor,
  type BusUser,
} from '@jit/events';
import { PrivateNatsServer, sampleEvent, testTopology } from '@jit/events/testing';

const topology = testTopology('bus_permissions');
const passwords = Object.fromEntries([...busServices, 'cli', 'admin'].map((user) => [user, randomBytes(12).toString('hex')]));

describe('the bus enforces the event ownership table', () => {
  let server: PrivateNatsServer;
  let admin: NatsConnection;
  const connections = new Map<BusUser, NatsConnection>();

  const connectAs = (user: BusUser, password = passwords[user]) =>
    connect({ servers: server.url, user, pass: password, inboxPrefix: inboxPrefixOf(user), reconnect: false });
  const messages = async (stream = topology.stream) => (await (await jetstreamManager(admin)).streams.info(stream)).state.messages;

  beforeAll(async () => {
    const credentials = Object.fromEntries(Object.entries(passwords).map(([user, password]) => [user, { password }]));
    server = await PrivateNatsServer.start({ config: natsAuthorizationBlock(topology, credentials) });
    for (const user of [...busServices, 'cli'] as const) connections.set(user, await connectAs(user));
    admin = await connect({ servers: server.url, user: 'admin', pass: passwords.admin });
  });

  afterAll(async () => {
    for (const nc of connections.values()) await nc.close();
    await admin?.close();
    await server?.stop();
  });

  it("a service's user creates the streams and its own durable consumer, and pulls and acks through it", async () => {
    const nc = connections.get('scheduler')!;
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, topology);
    await ensureStreams(jsm, topology);
    const settings = { name: 'scheduler', ackWaitMs: 5000, maxDeliver: 3, backoffMs: [100], maxAckPending: 10 };
    await ensureConsumer(jsm, topology, settings);
    await ensureConsumer(jsm, topology, settings);

    await jetstream(nc).publish(subjectFor(topology, 'expired'), JSON.stringify(sampleEvent('expired', 'r-own')));
    const consumer = await jetstream(nc).consumers.get(topology.stream, 'scheduler');
    const message = await consumer.next({ expires: 5000 });
    expect(message?.subject).toBe(subjectFor(topology, 'expired'));
    await expect(message!.ackAck()).resolves.toBe(true);
  });

  describe.each(busServices.map((service) => [service]))('%s', (service) => {
    const owned = eventTypes.filter((type) => eventOwners[type].includes(service));
    const foreign = eventTypes.filter((type) => !eventOwners[type].includes(service));

    // The audit service owns no event type: the empty table then has no cases.
    const ownCases = owned.length > 0 ? it.each(owned.map((type) => [type])) : () => undefined;
    ownCases('may publish %s, its own event type', async (type: (typeof owned)[number]) => {
      const before = await messages();
      const ack = await jetstream(connections.get(service)!).publish(
        subjectFor(topology, type),
        JSON.stringify(sampleEvent(type, `r-${service}`)),
      );
      expect(ack.stream).toBe(topology.stream);
      expect(await messages()).toBe(before + 1);
    });

    it.each(foreign.map((type) => [type]))('is refused by the server when it publishes %s, and the stream is unchanged', async (type) => {
      const before = await messages();
      await expect(
        jetstream(connections.get(service)!).publish(subjectFor(topology, type), JSON.stringify(sampleEvent(type, `r-${service}`)), {
          timeout: 2000,
        }),
      ).rejects.toThrow(/permissions violation/i);
      expect(await messages()).toBe(before);
    });

    it("dead-letters to its own subject only, never to another service's", async () => {
      const js = jetstream(connections.get(service)!);
      const before = await messages(topology.deadLetterStream);
      await js.publish(deadLetterSubject(topology, service), 'poison');
      const other = busServices.find((s) => s !== service)!;
      await expect(js.publish(deadLetterSubject(topology, other), 'forged', { timeout: 2000 })).rejects.toThrow(/permissions violation/i);
      expect(await messages(topology.deadLetterStream)).toBe(before + 1);
    });
  });

  it('no service may change the stream, so none can shorten the log it is part of', async () => {
    const jsm = await jetstreamManager(connections.get('intake')!);
    const { config } = await jsm.streams.info(topology.stream);
    await expect(jsm.streams.update(topology.stream, { ...config, max_msgs: 1 })).rejects.toThrow();
    await expect(jsm.streams.delete(topology.stream)).rejects.toThrow();
    expect((await (await jetstreamManager(admin)).streams.info(topology.stream)).config.max_msgs).toBe(-1);
  });

  it("a service cannot read the replies another service receives, nor take over another's consumer", async () => {
    const nc = connections.get('audit')!;
    const sub = nc.subscribe(`${inboxPrefixOf('provisioner')}.>`, { callback: () => undefined });
    await expect(sub.closed).resolves.toBeInstanceOf(Error);
    await expect(
      (await jetstreamManager(nc)).consumers.add(topology.stream, { durable_name: 'provisioner', ack_policy: 'explicit' as never }),
    ).rejects.toThrow();
  });

  it("a service cannot make the server republish stored events on another service's subject through its own consumer", async () => {
    const jsm = await jetstreamManager(connections.get('intake')!);
    const before = await messages();
    await expect(
      jsm.consumers.add(topology.stream, {
        durable_name: 'intake',
        deliver_subject: subjectFor(topology, 'approved'),
        ack_policy: 'explicit' as never,
        filter_subject: subjectFor(topology, 'requested'),
      }),
    ).rejects.toThrow('consumer deliver subject forms a cycle');
    expect(await messages()).toBe(before);
  });

  it('refuses a connection without credentials and one with a wrong password', async () => {
    await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow(/authorization/i);
    await expect(connectAs('intake', 'wrong')).rejects.toThrow(/authorization/i);
  });
});
