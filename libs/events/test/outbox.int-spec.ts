import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Outbox, OutboxRelay } from '@jit/events';
import { sampleEvent, waitFor } from '@jit/events/testing';
import { openHarness, streamMessages, type Harness } from './fixtures/harness.js';

describe('transactional outbox', () => {
  let h: Harness;
  let outbox: Outbox;

  beforeAll(async () => {
    h = await openHarness('outbox');
    outbox = new Outbox(h.topology);
  });
  afterAll(() => h.close());

  async function pending(): Promise<number> {
    const [{ n }] = await h.dataSource.query(`SELECT count(*)::int AS n FROM svc.outbox WHERE published_at IS NULL`);
    return n;
  }

  it('the same event published twice is stored once', async () => {
    const event = sampleEvent('requested', 'dup-1');
    await h.dataSource.transaction((m) => outbox.enqueue(m, [event]));
    const relay = new OutboxRelay({ dataSource: h.dataSource, jetstream: h.js });
    expect(await relay.flush()).toBe(1);
    // A relay that died after publishing but before marking the row sent publishes it again.
    await h.dataSource.query(`UPDATE svc.outbox SET published_at = NULL WHERE id = $1`, [event.id]);
    expect(await relay.flush()).toBe(1);
    const again = await h.js.publish(`${h.topology.prefix}.requested`, JSON.stringify(event), { msgID: event.id });
    expect(again.duplicate).toBe(true);
    const stored = (await streamMessages(h.jsm, h.topology.stream)).filter((m) => JSON.parse(m.data).id === event.id);
    expect(stored).toHaveLength(1);
  });

  it('a rolled-back transaction publishes nothing', async () => {
    const event = sampleEvent('requested', 'rollback-1');
    await expect(
      h.dataSource.transaction(async (m) => {
        await outbox.enqueue(m, [event]);
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    const [{ n }] = await h.dataSource.query(`SELECT count(*)::int AS n FROM svc.outbox WHERE id = $1`, [event.id]);
    expect(n).toBe(0);
  });

  it('refuses to enqueue an event that breaks its contract', async () => {
    const event = { ...sampleEvent('granted', 'bad-1'), data: { requester: 'alice' } } as never;
    await expect(h.dataSource.transaction((m) => outbox.enqueue(m, [event]))).rejects.toThrow(/invalid granted v2 data: applicationId/);
  });

  it('a row inserted by hand is announced too: the trigger, not the caller, wakes the relay', async () => {
    const relay = new OutboxRelay({ dataSource: h.dataSource, jetstream: h.js, pollMs: 60_000 });
    relay.start();
    try {
      await waitFor(async () => (await pending()) === 0, { what: 'the outbox drained' });
      const event = sampleEvent('requested', 'by-hand-1');
      await h.dataSource.query(`INSERT INTO svc.outbox (id, subject, event) VALUES ($1, $2, $3)`, [
        event.id,
        `${h.topology.prefix}.requested`,
        event,
      ]);
      await waitFor(async () => (await streamMessages(h.jsm, h.topology.stream)).some((m) => JSON.parse(m.data).id === event.id), {
        what: 'the row published long before the poll',
      });
    } finally {
      await relay.stop();
    }
  });

  it('publishes in commit order and wakes on NOTIFY without waiting for the poll', async () => {
    const relay = new OutboxRelay({ dataSource: h.dataSource, jetstream: h.js, pollMs: 60_000 });
    relay.start();
    try {
      const events = Array.from({ length: 20 }, (_, i) => sampleEvent(i % 2 ? 'approved' : 'requested', `order-${i}`));
      for (const event of events) await h.dataSource.transaction((m) => outbox.enqueue(m, [event]));
      // The poll interval is a minute, so only NOTIFY can have woken the relay in time.
      await waitFor(async () => (await pending()) === 0, { what: 'outbox drained' });
      const ids = (await streamMessages(h.jsm, h.topology.stream)).map((m) => JSON.parse(m.data).id);
      expect(ids.slice(-20)).toEqual(events.map((e) => e.id));
    } finally {
      await relay.stop();
    }
  });

  /** A row committed without its NOTIFY (the announcing trigger off for it), as if the notification had been lost. */
  async function insertUnannounced(requestId: string): Promise<string> {
    const event = sampleEvent('requested', requestId);
    await h.dataSource.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(`INSERT INTO svc.outbox (id, subject, event) VALUES ($1, $2, $3)`, [event.id, `${h.topology.prefix}.requested`, event]);
    });
    return event.id;
  }

  it('while it listens, an idle relay waits for notifications instead of polling at its short interval', async () => {
    const transaction = h.dataSource.transaction.bind(h.dataSource);
    let transactions = 0;
    h.dataSource.transaction = ((...args: Parameters<typeof transaction>) => {
      transactions++;
      return transaction(...args);
    }) as typeof h.dataSource.transaction;
    const relay = new OutboxRelay({ dataSource: h.dataSource, jetstream: h.js, pollMs: 50, quietPollMs: 60_000 });
    relay.start();
    try {
      await waitFor(async () => (await pending()) === 0 && transactions > 0, { what: 'the first round' });
      const event = sampleEvent('approved', 'quiet-1');
      await h.dataSource.transaction((m) => outbox.enqueue(m, [event]));
      await waitFor(async () => (await pending()) === 0, { what: 'the announced row published' });
      // Over the next second a relay polling every 50 ms would open some twenty transactions.
      const before = transactions;
      const start = Date.now();
      await waitFor(() => Date.now() - start >= 1000, { what: 'a second', intervalMs: 100 });
      expect(transactions - before).toBeLessThanOrEqual(2);
    } finally {
      h.dataSource.transaction = transaction;
      await relay.stop();
    }
  });

  it('a lost LISTEN connection sends the relay looking at once: a row whose notification was lost is published then', async () => {
    const relay = new OutboxRelay({ dataSource: h.dataSource, jetstream: h.js, pollMs: 50, quietPollMs: 60_000 });
    relay.start();
    try {
      // A round that published an announced row, so the relay is asleep on its quiet poll.
      await h.dataSource.transaction((m) => outbox.enqueue(m, [sampleEvent('requested', 'lost-notify-0')]));
      await waitFor(async () => (await pending()) === 0, { what: 'the outbox drained' });
      const lost = await insertUnannounced('lost-notify-1');
      const [{ terminated }] = await h.dataSource.query(
        `SELECT count(*)::int AS terminated FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'jit-svc-listen') AS t`,
      );
      expect(terminated).toBe(1);
      await waitFor(async () => (await streamMessages(h.jsm, h.topology.stream)).some((m) => JSON.parse(m.data).id === lost), {
        what: 'the unannounced row published long before the quiet poll',
      });
    } finally {
      await relay.stop();
    }
  });

  it('nothing is lost when the publishing process is killed between its commit and the publish', async () => {
    const script = fileURLToPath(new URL('./fixtures/commit-then-die.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', script], {
      env: { ...process.env, HARNESS_URL: h.url, HARNESS_TOPOLOGY: JSON.stringify(h.topology) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    const eventId = out.trim();
    const [row] = await h.dataSource.query(`SELECT published_at FROM svc.outbox WHERE id = $1`, [eventId]);
    expect(row).toEqual({ published_at: null });

    const relay = new OutboxRelay({ dataSource: h.dataSource, jetstream: h.js });
    relay.start();
    try {
      const stored = await waitFor(
        async () => (await streamMessages(h.jsm, h.topology.stream)).find((m) => JSON.parse(m.data).id === eventId),
        { what: 'the orphaned event on the stream' },
      );
      expect(stored.subject).toBe(`${h.topology.prefix}.requested`);
    } finally {
      await relay.stop();
    }
  });
});
