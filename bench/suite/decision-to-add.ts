import { ApiClient } from '../../e2e/support/system.js';
import { generatedPerson } from '../../tools/vendor-sim/src/index.js';
import { EventClock, startBenchSystem } from '../support/system-probe.js';
import type { Benchmark, BenchContext, BenchOutcome } from './types.js';
import { percentile } from './types.js';

const membership = /^\/api\/v1\/groups\/[^/]+\/users\/([^/]+)$/;

/**
 * Approval decision to Okta add, one request at a time, simulator latency zero: a generated person
 * asks for the manager-approved application, their manager (bob) approves, and the clock runs from
 * the decision call to the simulator's answer to the membership PUT.
 */
export const decisionToAdd: Benchmark = {
  name: 'decision-to-add',
  title: 'Approval decision to Okta add',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const total = ctx.quick ? 5 : 50;
    const addedAt = new Map<string, number>();
    const { system, nc, stop } = await startBenchSystem('bench_decision', {
      sim: {
        generatedPeople: total,
        log: ({ method, path, status }) => {
          const added = method === 'PUT' && status < 300 && membership.exec(path);
          if (added && !addedAt.has(added[1])) addedAt.set(added[1], performance.now());
        },
      },
    });
    const events = new EventClock(nc, system.topology.prefix, ['approval_opened', 'granted']);
    try {
      const client = ApiClient.apiKey(system);
      const bob = await ApiClient.as(system, 'bob@example.com');
      const latencies: number[] = [];
      for (let n = 1; n <= total; n++) {
        const person = generatedPerson(n);
        const created = await client.call('intake', 'POST', '/v1/requests', {
          applicationId: 'aws-prod-console',
          duration: '1h',
          justification: 'decision benchmark',
          requester: person.email,
        });
        if (created.status !== 202) throw new Error(`a request was answered ${created.status}: ${JSON.stringify(created.body)}`);
        const id = created.body.id as string;
        await events.when('approval_opened', id);
        const decided = performance.now();
        const decision = await bob.call('approval', 'POST', `/v1/approvals/${id}/decision`, { decision: 'approve' });
        if (decision.status >= 300) throw new Error(`the decision was answered ${decision.status}: ${JSON.stringify(decision.body)}`);
        await events.when('granted', id);
        latencies.push(addedAt.get(person.oktaId)! - decided);
      }
      latencies.sort((a, b) => a - b);
      return {
        figures: [
          { name: `decision to Okta add (${total}, one at a time), p50`, value: Math.round(percentile(latencies, 0.5)), unit: 'ms' },
          { name: `decision to Okta add (${total}, one at a time), p99`, value: Math.round(percentile(latencies, 0.99)), unit: 'ms' },
        ],
      };
    } finally {
      events.close();
      await stop();
    }
  },
};
