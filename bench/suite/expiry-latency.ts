import { ApiClient } from '../../e2e/support/system.js';
import { generatedPerson } from '../../tools/vendor-sim/src/index.js';
import { startBenchSystem } from '../support/system-probe.js';
import type { Benchmark, BenchContext, BenchOutcome } from './types.js';
import { percentile } from './types.js';

const membership = /^\/api\/v1\/groups\/[^/]+\/users\/([^/]+)$/;

/**
 * Expiry to Okta removal with no backlog, end to end (scheduler timer, `expired`, the provisioner's
 * revocation loop, Okta): 100 grants of the shortest duration, asked for evenly over a minute, so
 * their expiries are spread over a minute too. Measured from each grant's `expiresAt` to the
 * simulator's answer to the membership DELETE, in wall-clock time.
 */
export const expiryLatency: Benchmark = {
  name: 'expiry-latency',
  title: 'Expiry to Okta removal, no backlog',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const total = ctx.quick ? 10 : 100;
    const spreadMs = ctx.quick ? 5000 : 60_000;
    const removedAt = new Map<string, number>();
    const { system, nc, stop } = await startBenchSystem('bench_expiry', {
      sim: {
        generatedPeople: total,
        log: ({ method, path, status }) => {
          const removed = method === 'DELETE' && status < 300 && membership.exec(path);
          if (removed && !removedAt.has(removed[1])) removedAt.set(removed[1], Date.now());
        },
      },
    });
    const expiresAt = new Map<string, number>();
    const subscription = nc.subscribe(`${system.topology.prefix}.granted`, {
      callback: (_, message) => {
        const event = message.json() as { data: { oktaUserId: string; expiresAt: string } };
        expiresAt.set(event.data.oktaUserId, Date.parse(event.data.expiresAt));
      },
    });
    try {
      const client = ApiClient.apiKey(system);
      const people = Array.from({ length: total }, (_, i) => generatedPerson(i + 1));
      const started = Date.now();
      for (const [i, person] of people.entries()) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (i * spreadMs) / total - Date.now())));
        const created = await client.call('intake', 'POST', '/v1/requests', {
          applicationId: 'demo-sandbox',
          duration: '10s',
          justification: 'expiry benchmark',
          requester: person.email,
        });
        if (created.status !== 202) throw new Error(`a request was answered ${created.status}: ${JSON.stringify(created.body)}`);
      }
      const deadline = Date.now() + 5 * 60_000;
      while (people.some((p) => !removedAt.has(p.oktaId) || !expiresAt.has(p.oktaId))) {
        if (Date.now() > deadline) throw new Error(`only ${removedAt.size} of ${total} removed in 5 minutes`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const latencies = people.map((p) => removedAt.get(p.oktaId)! - expiresAt.get(p.oktaId)!).sort((a, b) => a - b);
      return {
        figures: [
          { name: `expiry to Okta removal (${total} over ${spreadMs / 1000} s), p50`, value: percentile(latencies, 0.5), unit: 'ms' },
          { name: `expiry to Okta removal (${total} over ${spreadMs / 1000} s), p99`, value: percentile(latencies, 0.99), unit: 'ms' },
        ],
      };
    } finally {
      subscription.unsubscribe();
      await stop();
    }
  },
};
