import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { SystemClock, createEvent } from '@jit/events';
import { connectTestNats, deleteTopology, eventsOf, publish, sampleData, waitFor } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { schedulerService } from '../src/service.js';

describe('punctual expiry', () => {
  let nc: NatsConnection;
  let service: Awaited<ReturnType<typeof startTestService>>;

  beforeAll(async () => {
    nc = await connectTestNats();
    // A tick far longer than the test: only waking for the next due timer can make it pass.
    service = await startTestService(schedulerService, { name: 'punctual', env: { SCHEDULER_TICK_MS: '600000' } });
  });
  afterAll(async () => {
    await service?.stop();
    await deleteTopology(nc, service.topology);
    await nc?.close();
  });

  it('fires a timer at its expiry, not at the next tick, when the loop was asleep as the grant arrived', async () => {
    const requestId = randomUUID();
    const expiresAt = new Date(Date.now() + 1500);
    const granted = createEvent(
      { type: 'granted', data: { ...sampleData.granted, grantedAt: new Date().toISOString(), expiresAt: expiresAt.toISOString() } },
      { requestId, actor: 'service:provisioner' },
      new SystemClock(),
    );
    await publish(nc, service.topology, granted);

    const [expired] = await waitFor(
      async () => {
        const found = await eventsOf(nc, service.topology, 'expired', requestId);
        return found.length > 0 && found;
      },
      { timeoutMs: 10_000, what: 'the expired event' },
    );
    const lateMs = Date.parse(expired.occurredAt) - expiresAt.getTime();
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(1000);
  });
});
