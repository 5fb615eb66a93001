import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { ManualClock, createEvent } from '@jit/events';
import { connectTestNats, deleteTopology, eventsOf, publish, sampleData, waitFor } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { schedulerService } from '../src/service.js';

// Deterministic on purpose: this test once measured real lateness (`expired.occurredAt - expiresAt <
// 1000 ms` with the expiry 1.5 s of wall time ahead), so a loaded machine that took over a second
// to deliver the grant, or to wake the loop, failed it. Time is now the injected clock's: the event
// is stamped by it, and the loop's wait is computed from it.
describe('punctual expiry', () => {
  const clock = new ManualClock('2026-01-01T00:00:00.000Z');
  let nc: NatsConnection;
  let db: pg.Client;
  let service: Awaited<ReturnType<typeof startTestService>>;

  beforeAll(async () => {
    nc = await connectTestNats();
    // A tick far longer than the test: only waking for the next due timer can make it pass.
    service = await startTestService(schedulerService, { name: 'punctual', clock, env: { SCHEDULER_TICK_MS: '600000' } });
    db = new pg.Client({ connectionString: service.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await service?.stop();
    await db?.end();
    await deleteTopology(nc, service.topology);
    await nc?.close();
  });

  it('fires a timer at its expiry, not at the next tick, when the loop was asleep as the grant arrived', async () => {
    const requestId = randomUUID();
    const expiresAt = new Date(clock.now().getTime() + 2000);
    const granted = createEvent(
      { type: 'granted', data: { ...sampleData.granted, grantedAt: clock.now().toISOString(), expiresAt: expiresAt.toISOString() } },
      { requestId, actor: 'service:provisioner' },
      clock,
    );
    await publish(nc, service.topology, granted);
    await waitFor(
      async () =>
        (await db.query(`SELECT 1 FROM scheduler.timers WHERE request_id = $1 AND status = 'pending'`, [requestId])).rowCount === 1,
      { what: 'the timer armed' },
    );
    expect(await eventsOf(nc, service.topology, 'expired', requestId)).toEqual([]);

    // The loop now sleeps until the expiry as the clock sees it (2 s), not for its 10-minute tick.
    clock.set(expiresAt);
    const [expired] = await waitFor(
      async () => {
        const found = await eventsOf(nc, service.topology, 'expired', requestId);
        return found.length > 0 && found;
      },
      { timeoutMs: 30_000, what: 'the expired event' },
    );
    expect(expired.occurredAt).toBe(expiresAt.toISOString());
    expect(expired.data.expiresAt).toBe(expiresAt.toISOString());
  });
});
