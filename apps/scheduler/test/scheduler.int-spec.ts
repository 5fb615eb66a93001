import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { ManualClock, createEvent, type AccessEvent } from '@jit/events';
import { connectTestNats, deleteTopology, eventsOf, publish, sampleData, waitFor } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { schedulerService } from '../src/service.js';
import { TimerLoop } from '../src/timers/timer-loop.js';

type TestService = Awaited<ReturnType<typeof startTestService>>;

const start = '2026-01-01T00:00:00.000Z';
const env = { SCHEDULER_TICK_MS: '50' };

function grantedEvent(requestId: string, clock: ManualClock, expiresAt: string): AccessEvent<'granted'> {
  return createEvent(
    { type: 'granted', data: { ...sampleData.granted, grantedAt: clock.now().toISOString(), expiresAt } },
    { requestId, actor: 'service:provisioner' },
    clock,
  );
}

async function timerOf(db: pg.Client, requestId: string): Promise<{ status: string; fires_at: Date } | undefined> {
  const { rows } = await db.query(`SELECT status, fires_at FROM scheduler.timers WHERE request_id = $1`, [requestId]);
  return rows[0];
}

async function expiredInOutbox(db: pg.Client, requestId: string): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM scheduler.outbox WHERE event->>'type' = 'expired' AND event->>'requestId' = $1`,
    [requestId],
  );
  return rows[0].n;
}

async function connect(databaseUrl: string): Promise<pg.Client> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  return db;
}

describe('scheduler', () => {
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connectTestNats();
  });

  afterAll(async () => {
    await nc.close();
  });

  describe('one scheduler', () => {
    const clock = new ManualClock(start);
    let service: TestService;
    let db: pg.Client;

    beforeAll(async () => {
      service = await startTestService(schedulerService, { clock, env });
      db = await connect(service.databaseUrl);
    });

    afterAll(async () => {
      await service.stop();
      await db.end();
      await deleteTopology(nc, service.topology);
    });

    it('a granted event arms a pending timer at the grant expiry', async () => {
      const requestId = randomUUID();
      await publish(nc, service.topology, grantedEvent(requestId, clock, '2026-01-01T01:00:00.000Z'));

      const timer = await waitFor(() => timerOf(db, requestId), { what: 'the timer row' });
      expect(timer).toEqual({ status: 'pending', fires_at: new Date('2026-01-01T01:00:00.000Z') });
    });

    it('publishes exactly one expired event once the clock passes the expiry', async () => {
      const requestId = randomUUID();
      const expiresAt = new Date(clock.now().getTime() + 15 * 60_000).toISOString();
      await publish(nc, service.topology, grantedEvent(requestId, clock, expiresAt));
      await waitFor(() => timerOf(db, requestId), { what: 'the timer row' });
      expect(await service.app.get(TimerLoop).tick()).toBe(0);

      clock.set(new Date(new Date(expiresAt).getTime() + 1000));
      const [expired] = await waitFor(
        async () =>
          (await eventsOf(nc, service.topology, 'expired', requestId)).length === 1 && eventsOf(nc, service.topology, 'expired', requestId),
        {
          what: 'the expired event',
        },
      );
      await service.app.get(TimerLoop).tick();

      expect(expired).toMatchObject({ requestId, actor: 'service:scheduler', data: { expiresAt } });
      expect(await timerOf(db, requestId)).toMatchObject({ status: 'fired' });
      expect(await expiredInOutbox(db, requestId)).toBe(1);
      expect(await eventsOf(nc, service.topology, 'expired', requestId)).toHaveLength(1);
    });

    it('a revocation before expiry cancels the timer, so nothing fires', async () => {
      const requestId = randomUUID();
      const expiresAt = new Date(clock.now().getTime() + 15 * 60_000).toISOString();
      await publish(nc, service.topology, grantedEvent(requestId, clock, expiresAt));
      await waitFor(() => timerOf(db, requestId), { what: 'the timer row' });
      const revoked = createEvent(
        { type: 'revoked', data: { reason: 'relinquished', revokedAt: clock.now().toISOString() } },
        { requestId, actor: 'service:provisioner' },
        clock,
      );
      await publish(nc, service.topology, revoked);
      await waitFor(async () => (await timerOf(db, requestId))?.status === 'cancelled', { what: 'the cancelled timer' });

      clock.set(new Date(new Date(expiresAt).getTime() + 60_000));
      await service.app.get(TimerLoop).tick();

      expect(await expiredInOutbox(db, requestId)).toBe(0);
      expect(await eventsOf(nc, service.topology, 'expired', requestId)).toEqual([]);
    });

    it('an extension moves the timer to the new expiry', async () => {
      const requestId = randomUUID();
      const expiresAt = new Date(clock.now().getTime() + 15 * 60_000);
      await publish(nc, service.topology, grantedEvent(requestId, clock, expiresAt.toISOString()));
      await waitFor(() => timerOf(db, requestId), { what: 'the timer row' });
      const later = new Date(expiresAt.getTime() + 60 * 60_000);
      const extended = createEvent(
        { type: 'extended', data: { by: 'bob@example.com', expiresAt: later.toISOString() } },
        { requestId, actor: 'bob@example.com' },
        clock,
      );
      await publish(nc, service.topology, extended);
      await waitFor(async () => (await timerOf(db, requestId))?.fires_at.getTime() === later.getTime(), { what: 'the moved timer' });

      clock.set(new Date(expiresAt.getTime() + 1000));
      await service.app.get(TimerLoop).tick();
      expect(await expiredInOutbox(db, requestId)).toBe(0);
    });

    it('an extension that arrives before its grant is retried until the grant has armed the timer', async () => {
      const requestId = randomUUID();
      const expiresAt = new Date(clock.now().getTime() + 15 * 60_000);
      const later = new Date(expiresAt.getTime() + 60 * 60_000);
      const extended = createEvent(
        { type: 'extended', data: { by: 'bob@example.com', expiresAt: later.toISOString() } },
        { requestId, actor: 'bob@example.com' },
        clock,
      );
      await publish(nc, service.topology, extended);
      await publish(nc, service.topology, grantedEvent(requestId, clock, expiresAt.toISOString()));

      await waitFor(async () => (await timerOf(db, requestId))?.fires_at.getTime() === later.getTime(), { what: 'the moved timer' });
      expect(await timerOf(db, requestId)).toEqual({ status: 'pending', fires_at: later });
    });
  });

  it('fires an expiry that passed while the scheduler was down', async () => {
    const before = new ManualClock(start);
    const first = await startTestService(schedulerService, { name: 'scheduler_restart', clock: before, env });
    const db = await connect(first.databaseUrl);
    const requestId = randomUUID();
    try {
      await publish(nc, first.topology, grantedEvent(requestId, before, '2026-01-01T00:15:00.000Z'));
      await waitFor(() => timerOf(db, requestId), { what: 'the timer row' });
      await first.stop();

      const after = new ManualClock('2026-01-01T03:00:00.000Z');
      const second = await startTestService(schedulerService, {
        clock: after,
        env,
        databaseUrl: first.databaseUrl,
        topology: first.topology,
      });
      try {
        await waitFor(async () => (await eventsOf(nc, first.topology, 'expired', requestId)).length > 0, { what: 'the overdue expiry' });
        await second.app.get(TimerLoop).tick();

        const expired = await eventsOf(nc, first.topology, 'expired', requestId);
        expect(expired).toHaveLength(1);
        expect(expired[0]).toMatchObject({ data: { expiresAt: '2026-01-01T00:15:00.000Z' }, occurredAt: '2026-01-01T03:00:00.000Z' });
      } finally {
        await second.stop();
      }
    } finally {
      await db.end();
      await deleteTopology(nc, first.topology);
    }
  });

  it('two schedulers on one database fire a due timer exactly once', async () => {
    const clock = new ManualClock(start);
    const a = await startTestService(schedulerService, { name: 'scheduler_pair', clock, env });
    const b = await startTestService(schedulerService, { clock, env, databaseUrl: a.databaseUrl, topology: a.topology });
    const db = await connect(a.databaseUrl);
    try {
      const requestIds = Array.from({ length: 20 }, () => randomUUID());
      for (const requestId of requestIds) await publish(nc, a.topology, grantedEvent(requestId, clock, '2026-01-01T00:15:00.000Z'));
      await waitFor(async () => (await db.query(`SELECT 1 FROM scheduler.timers`)).rowCount === requestIds.length, {
        what: 'every timer row',
      });

      clock.set('2026-01-01T00:16:00.000Z');
      const ticks = [a, b, a, b].map((s) => s.app.get(TimerLoop).tick());
      await Promise.all(ticks);
      // Each replica's own loop ticks too, and a batch it claimed may still be committing when these ticks return.
      await waitFor(async () => (await db.query(`SELECT 1 FROM scheduler.timers WHERE status = 'pending'`)).rowCount === 0, {
        what: 'every timer fired',
      });

      const { rows } = await db.query(
        `SELECT event->>'requestId' AS id, count(*)::int AS n FROM scheduler.outbox WHERE event->>'type' = 'expired' GROUP BY 1`,
      );
      expect(rows).toHaveLength(requestIds.length);
      expect(rows.every((r: { n: number }) => r.n === 1)).toBe(true);
      await waitFor(async () => (await db.query(`SELECT 1 FROM scheduler.outbox WHERE published_at IS NULL`)).rowCount === 0, {
        what: 'the outbox drained',
      });
      for (const requestId of requestIds) expect(await eventsOf(nc, a.topology, 'expired', requestId)).toHaveLength(1);
    } finally {
      await db.end();
      await a.stop();
      await b.stop();
      await deleteTopology(nc, a.topology);
    }
  });
});
