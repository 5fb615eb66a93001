import { ApiClient, serviceNames } from '../../e2e/support/system.js';
import { generatedPerson } from '../../tools/vendor-sim/src/index.js';
import { cpuNow, cpuSince, rssMiB, startBenchSystem } from '../support/system-probe.js';
import type { Benchmark, BenchContext, BenchOutcome, Figure } from './types.js';

/**
 * Sustained full lifecycles (request, auto-approval, grant, relinquish, revocation) for 60 s, ten
 * people each running one lifecycle after another: lifecycles per second, CPU seconds and RSS per
 * service at the end.
 */
export const sustained: Benchmark = {
  name: 'sustained',
  title: 'Sustained full lifecycles',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const seconds = ctx.quick ? 10 : 60;
    const workers = 10;
    const { system, stop } = await startBenchSystem('bench_sustained', { sim: { generatedPeople: workers } });
    try {
      const client = ApiClient.apiKey(system);
      const cpuBefore = cpuNow(system);
      const until = performance.now() + seconds * 1000;
      let completed = 0;
      const worker = async (n: number): Promise<void> => {
        const person = generatedPerson(n);
        const self = await ApiClient.as(system, person.email);
        while (performance.now() < until) {
          const created = await client.call('intake', 'POST', '/v1/requests', {
            applicationId: 'demo-sandbox',
            duration: '30m',
            justification: 'sustained benchmark',
            requester: person.email,
          });
          if (created.status !== 202) throw new Error(`a request was answered ${created.status}: ${JSON.stringify(created.body)}`);
          const id = created.body.id as string;
          // Relinquishing needs intake's view of the grant, which follows the stream by a moment.
          const view = await self.call('intake', 'GET', `/v1/requests/${id}?waitFor=granted&timeout=30s`);
          if (view.body.status !== 'granted') throw new Error(`request ${id} is ${view.body.status}, not granted`);
          const ended = await self.call('intake', 'POST', `/v1/requests/${id}/revoke`);
          if (ended.status !== 202) throw new Error(`relinquishing was answered ${ended.status}: ${JSON.stringify(ended.body)}`);
          // A lifecycle ends when intake, which takes the next request, knows it ended.
          const closed = await self.call('intake', 'GET', `/v1/requests/${id}?waitFor=revoked&timeout=30s`);
          if (closed.body.status !== 'revoked') throw new Error(`request ${id} is ${closed.body.status}, not revoked`);
          if (performance.now() <= until) completed++;
        }
      };
      await Promise.all(Array.from({ length: workers }, (_, i) => worker(i + 1)));
      const cpu = cpuSince(system, cpuBefore);
      const figures: Figure[] = [
        {
          name: `full lifecycles, ${workers} people for ${seconds} s`,
          value: Math.round((completed / seconds) * 100) / 100,
          unit: 'lifecycles/s',
        },
        ...serviceNames.map((name) => ({ name: `CPU of ${name} over the run`, value: Math.round(cpu[name] / 10) / 100, unit: 's' })),
        ...serviceNames.map((name) => ({
          name: `RSS of ${name} at the end`,
          value: rssMiB(system.services[name].child.pid!),
          unit: 'MiB',
        })),
      ];
      return { figures, details: { completed, seconds, workers } };
    } finally {
      await stop();
    }
  },
};
