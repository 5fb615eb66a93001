import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  ConflictError,
  DeadLetterHeaders,
  EventConsumer,
  NonRetryableEventError,
  deadLetterSubject,
  ensureConsumer,
  ensureStreams,
  subjectFor,
  type AccessEvent,
  type ConsumerSettings,
  type EventHandlerFn,
  type EventLogger,
  notYet,
  refuse,
} from '@jit/events';
import { deleteTopology, sampleEvent, testTopology, waitFor } from '@jit/events/testing';
import { effectsTable, openHarness, streamMessages, type Harness } from './fixtures/harness.js';
import { recordEffect } from './fixtures/record-effect.js';

describe('idempotent JetStream consumer', () => {
  let h: Harness;
  let consumers: EventConsumer[] = [];
  let serial = 0;

  beforeAll(async () => {
    h = await openHarness('consumer');
  });
  // Each test gets streams of its own, so a consumer sees only that test's events.
  beforeEach(async () => {
    h.topology = testTopology('consumer');
    await ensureStreams(h.jsm, h.topology);
  });
  afterEach(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    consumers = [];
    await deleteTopology(h.nc, h.topology);
  });
  afterAll(() => h.close());

  function settings(overrides: Partial<ConsumerSettings> = {}): ConsumerSettings {
    return { name: `c${++serial}`, ackWaitMs: 2000, maxDeliver: 3, backoffMs: [100, 200], maxAckPending: 100, ...overrides };
  }

  async function startConsumer(s: ConsumerSettings, handler: EventHandlerFn, concurrency?: number, logger?: EventLogger): Promise<void> {
    await ensureConsumer(h.jsm, h.topology, s);
    const consumer = new EventConsumer({
      jetstream: h.js,
      dataSource: h.dataSource,
      topology: h.topology,
      settings: s,
      handlers: () => handler,
      concurrency,
      logger,
    });
    consumers.push(consumer);
    await consumer.start();
  }

  async function publish(event: AccessEvent): Promise<void> {
    await h.js.publish(subjectFor(h.topology, event.type), JSON.stringify(event), { msgID: event.id });
  }

  async function effects(consumer: string): Promise<{ request_id: string; event_id: string; type: string }[]> {
    return h.dataSource.query(`SELECT request_id, event_id, type FROM ${effectsTable} WHERE consumer = $1 ORDER BY n`, [consumer]);
  }

  async function pendingAcks(consumer: string): Promise<number> {
    const info = await h.jsm.consumers.info(h.topology.stream, consumer);
    return info.num_ack_pending + info.num_pending;
  }

  /** How many transactions wrote the consumer's effects (rows written in one transaction share its xmin). */
  async function transactionsOf(consumer: string): Promise<number> {
    const [row] = await h.dataSource.query(`SELECT count(DISTINCT xmin::text)::int AS n FROM ${effectsTable} WHERE consumer = $1`, [
      consumer,
    ]);
    return row.n;
  }

  it('events of different requests that wait together share one transaction, each applied once', async () => {
    const s = settings();
    const published = Array.from({ length: 40 }, (_, i) => sampleEvent('requested', `shared-${i}`));
    for (const event of published) await publish(event);
    await startConsumer(
      s,
      async (event, manager, delivery) => {
        await recordEffect(event, manager, delivery);
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
      8,
    );
    await waitFor(async () => (await pendingAcks(s.name)) === 0, { what: 'every event acked' });
    const handled = await effects(s.name);
    expect(handled.map((e) => e.event_id).sort()).toEqual(published.map((e) => e.id).sort());
    // One transaction an event would be 40; the backlog shares a few.
    expect(await transactionsOf(s.name)).toBeLessThanOrEqual(15);
  });

  it('an event that fails inside a shared transaction is retried alone; the others are applied once and its handler ran once a delivery', async () => {
    const s = settings({ backoffMs: [50] });
    const published = Array.from({ length: 12 }, (_, i) => sampleEvent('approved', `shared-fail-${i}`));
    const failing = published[6];
    const calls = new Map<string, number>();
    for (const event of published) await publish(event);
    await startConsumer(
      s,
      async (event, manager, delivery) => {
        calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
        await recordEffect(event, manager, delivery);
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (event.id === failing.id && delivery.deliveryCount === 1) throw new Error('vendor unavailable');
      },
      8,
    );
    await waitFor(async () => (await pendingAcks(s.name)) === 0, { what: 'every event acked' });
    const handled = await effects(s.name);
    expect(handled.map((e) => e.event_id).sort()).toEqual(published.map((e) => e.id).sort());
    expect(calls.get(failing.id)).toBe(2);
    expect(await transactionsOf(s.name)).toBeLessThan(published.length);
    const letters = (await streamMessages(h.jsm, h.topology.deadLetterStream)).filter(
      (m) => m.subject === deadLetterSubject(h.topology, s.name),
    );
    expect(letters).toEqual([]);
  });

  it('a redelivered event is acked without being applied twice', async () => {
    const s = settings();
    const event = sampleEvent('requested', 'redeliver-1');
    await publish(event);
    await startConsumer(s, recordEffect);
    await waitFor(async () => (await pendingAcks(s.name)) === 0, { what: 'the first delivery acked' });
    // Deliver the same event again, as JetStream does after a lost ack.
    await h.js.publish(subjectFor(h.topology, event.type), JSON.stringify(event), { msgID: `${event.id}-again` });
    await waitFor(async () => (await pendingAcks(s.name)) === 0, { what: 'the second delivery acked' });
    expect(await effects(s.name)).toHaveLength(1);
  });

  it('a consumer killed after its effect but before its ack gets the event again and does not apply it twice', async () => {
    const s = settings({ ackWaitMs: 1000 });
    await ensureConsumer(h.jsm, h.topology, s);
    const event = sampleEvent('granted', 'killed-consumer-1');
    const script = fileURLToPath(new URL('./fixtures/apply-then-die.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', script], {
      env: { ...process.env, HARNESS_URL: h.url, HARNESS_TOPOLOGY: JSON.stringify(h.topology), HARNESS_SETTINGS: JSON.stringify(s) },
      stdio: 'inherit',
    });
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await waitFor(async () => (await h.jsm.consumers.info(h.topology.stream, s.name)).num_waiting > 0, { what: 'the child pulling' });
    await publish(event);
    expect(await exited).toBe('SIGKILL');
    expect(await effects(s.name)).toHaveLength(1);

    await startConsumer(s, recordEffect);
    await waitFor(
      async () => {
        const info = await h.jsm.consumers.info(h.topology.stream, s.name);
        return info.num_ack_pending === 0 && info.num_redelivered === 0 && info.delivered.consumer_seq >= 2;
      },
      { what: 'the redelivery acked' },
    );
    expect(await effects(s.name)).toEqual([{ request_id: 'killed-consumer-1', event_id: event.id, type: 'granted' }]);
  });

  it('an invalid payload lands in the dead-letter subject with its reason, and the valid events behind it are still handled', async () => {
    const s = settings();
    const bad = { ...sampleEvent('granted', 'poison-1'), data: { requester: 'alice@example.com' } };
    await h.js.publish(subjectFor(h.topology, 'granted'), JSON.stringify(bad), { msgID: bad.id });
    await h.js.publish(subjectFor(h.topology, 'requested'), 'not json at all');
    const good = [sampleEvent('requested', 'poison-1'), sampleEvent('requested', 'after-poison-2')];
    for (const event of good) await publish(event);
    await startConsumer(s, recordEffect);

    await waitFor(async () => (await effects(s.name)).length === 2, { what: 'the valid events handled' });
    expect((await effects(s.name)).map((e) => e.event_id).sort()).toEqual(good.map((e) => e.id).sort());
    const letters = await waitFor(
      async () => {
        const all = (await streamMessages(h.jsm, h.topology.deadLetterStream)).filter(
          (m) => m.subject === deadLetterSubject(h.topology, s.name),
        );
        return all.length === 2 && all;
      },
      { what: 'two dead letters' },
    );
    expect(letters[0].header(DeadLetterHeaders.reason)).toMatch(/^invalid granted v2 data: applicationId/);
    expect(JSON.parse(letters[0].data).id).toBe(bad.id);
    expect(letters[0].header(DeadLetterHeaders.subject)).toBe(subjectFor(h.topology, 'granted'));
    expect(letters[1].header(DeadLetterHeaders.reason)).toBe('payload is not JSON');
    expect(letters[1].data).toBe('not json at all');
    await waitFor(async () => (await pendingAcks(s.name)) === 0, { what: 'nothing left pending' });
    // A dead-lettered message is terminated, not left to time out and come back.
    expect((await h.jsm.consumers.info(h.topology.stream, s.name)).num_redelivered).toBe(0);
  });

  it('a transient failure is retried and applied once; a handler that keeps failing is dead-lettered after max_deliver', async () => {
    const s = settings({ maxDeliver: 3 });
    const flaky = sampleEvent('approved', 'flaky-1');
    const hopeless = sampleEvent('approved', 'hopeless-1');
    const attempts = new Map<string, number>();
    await publish(flaky);
    await publish(hopeless);
    await startConsumer(s, async (event, manager, delivery) => {
      attempts.set(event.id, (attempts.get(event.id) ?? 0) + 1);
      await recordEffect(event, manager, delivery);
      if (event.id === hopeless.id || attempts.get(event.id)! < 2) throw new Error('vendor unavailable');
    });
    await waitFor(async () => (await pendingAcks(s.name)) === 0, { what: 'both settled' });
    expect(await effects(s.name)).toEqual([{ request_id: 'flaky-1', event_id: flaky.id, type: 'approved' }]);
    expect(attempts.get(hopeless.id)).toBe(3);
    const letters = (await streamMessages(h.jsm, h.topology.deadLetterStream)).filter(
      (m) => m.subject === deadLetterSubject(h.topology, s.name),
    );
    expect(letters).toHaveLength(1);
    expect(letters[0].header(DeadLetterHeaders.reason)).toBe('failed on all 3 deliveries; last error: Error: vendor unavailable');
  });

  it('a handler that refuses an event dead-letters it at once', async () => {
    const s = settings({ maxDeliver: 5 });
    const event = sampleEvent('expired', 'refused-1');
    await publish(event);
    let calls = 0;
    await startConsumer(s, async () => {
      calls++;
      throw new NonRetryableEventError('no such grant');
    });
    const letters = await waitFor(
      async () => {
        const all = (await streamMessages(h.jsm, h.topology.deadLetterStream)).filter(
          (m) => m.subject === deadLetterSubject(h.topology, s.name),
        );
        return all.length === 1 && all;
      },
      { what: 'the dead letter' },
    );
    expect(letters[0].header(DeadLetterHeaders.reason)).toBe('handler refused the event: no such grant');
    expect(calls).toBe(1);
  });

  it('stopping waits for the handler in flight, commits its effect and acks it', async () => {
    const s = settings({ ackWaitMs: 30_000 });
    const event = sampleEvent('granted', 'in-flight-1');
    let release!: () => void;
    const started = new Promise<void>((resolveStarted) => {
      void startConsumer(s, async (e, manager, delivery) => {
        resolveStarted();
        await new Promise<void>((r) => (release = r));
        await recordEffect(e, manager, delivery);
      });
    });
    await publish(event);
    await started;
    const consumer = consumers.pop()!;
    let stopped = false;
    const stopping = consumer.stop().then(() => (stopped = true));
    // The handler is still blocked: stop() must not return while it is, however long it waits.
    await Promise.race([stopping, new Promise((r) => setTimeout(r, 300))]);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await effects(s.name)).toHaveLength(1);
    const info = await h.jsm.consumers.info(h.topology.stream, s.name);
    expect({ pending: info.num_ack_pending, redelivered: info.num_redelivered }).toEqual({ pending: 0, redelivered: 0 });
  });

  it('events of one request are handled in the order they were published', async () => {
    const s = settings();
    const requests = ['order-a', 'order-b', 'order-c', 'order-d'];
    const types = ['requested', 'approved', 'granted', 'expired', 'revoked'] as const;
    const published: AccessEvent[] = [];
    for (const type of types) for (const r of requests) published.push(sampleEvent(type, r));
    for (const event of published) await publish(event);
    // Handlers take uneven time, so only the consumer's per-request ordering keeps them in order.
    await startConsumer(
      s,
      async (event, manager, delivery) => {
        await new Promise((resolve) => setTimeout(resolve, (event.id.charCodeAt(0) % 7) * 3));
        await recordEffect(event, manager, delivery);
      },
      8,
    );
    await waitFor(async () => (await effects(s.name)).length === published.length, { what: 'all handled' });
    const handled = await effects(s.name);
    for (const r of requests) {
      expect(handled.filter((e) => e.request_id === r).map((e) => e.type)).toEqual([...types]);
    }
  });

  it('an event that arrives before its predecessor is retried past max_deliver at debug level, never dead-lettered, and applied once', async () => {
    const s = settings({ maxDeliver: 2, backoffMs: [50] });
    const lines: { level: string; message: string }[] = [];
    const log = (level: string) => (_: Record<string, unknown>, message: string) => lines.push({ level, message });
    const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
    let early = 0;
    const handler: EventHandlerFn = async (event, manager, delivery) => {
      await recordEffect(event, manager, delivery);
      if (event.type !== 'approved') return undefined;
      const seen: unknown[] = await manager.query(`SELECT 1 FROM ${effectsTable} WHERE request_id = $1 AND type = 'requested'`, [
        event.requestId,
      ]);
      if (seen.length > 0) return undefined;
      early += 1;
      // The effect written above must roll back with the "not yet".
      return notYet('the request has not been recorded yet');
    };
    await startConsumer(s, handler, undefined, logger);

    await publish(sampleEvent('approved', 'early-1'));
    await waitFor(() => early > s.maxDeliver + 1, { what: 'the early event retried beyond max_deliver' });
    await publish(sampleEvent('requested', 'early-1'));

    await waitFor(async () => (await effects(s.name)).length === 2, { what: 'both events applied' });
    expect((await effects(s.name)).map((e) => e.type)).toEqual(['requested', 'approved']);
    const letters = (await streamMessages(h.jsm, h.topology.deadLetterStream)).filter(
      (m) => m.subject === deadLetterSubject(h.topology, s.name),
    );
    expect(letters).toEqual([]);
    expect(lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    expect(lines.some((l) => l.level === 'debug' && /not applicable yet/.test(l.message))).toBe(true);
  });

  it('a handler that answers "refused" is dead-lettered with the error', async () => {
    const s = settings();
    await startConsumer(s, async () => refuse(new ConflictError('the grant is settled')));
    await publish(sampleEvent('expired', 'refused-1'));
    const letter = await waitFor(
      async () =>
        (await streamMessages(h.jsm, h.topology.deadLetterStream)).find((m) => m.subject === deadLetterSubject(h.topology, s.name)),
      { what: 'the dead letter' },
    );
    expect(letter.header(DeadLetterHeaders.reason)).toMatch(/ConflictError: the grant is settled/);
  });

  it('the events behind a dead-lettered event are still handled, never dropped by the delivery limit', async () => {
    const s = settings({ maxDeliver: 3, backoffMs: [50] });
    await startConsumer(s, async (event, manager, delivery) => {
      if (event.type === 'approved') throw new Error('the approval cannot be applied');
      await recordEffect(event, manager, delivery);
    });
    const [leader, ...followers] = (['approved', 'granted', 'expired', 'revoked'] as const).map((type) => sampleEvent(type, 'followers-1'));
    for (const event of [leader, ...followers]) await publish(event);

    await waitFor(async () => (await effects(s.name)).length === followers.length, { what: 'the followers handled' });
    // Every follower is handled; their order is not what this promises (a follower redelivered while the leader was
    // retried may come after the others, and the deciders take events in any order).
    expect((await effects(s.name)).map((e) => e.event_id).sort()).toEqual(followers.map((e) => e.id).sort());
    const letters = (await streamMessages(h.jsm, h.topology.deadLetterStream)).filter(
      (m) => m.subject === deadLetterSubject(h.topology, s.name),
    );
    expect(letters.map((m) => JSON.parse(m.data).id)).toEqual([leader.id]);
    expect(letters[0].header(DeadLetterHeaders.reason)).toMatch(
      /failed on all 3 deliveries; last error: Error: the approval cannot be applied/,
    );
    await waitFor(async () => (await pendingAcks(s.name)) === 0, { what: 'nothing left with the server' });
  });
});
