import { readFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { ApiClient, serviceNames, startSystem } from '../../e2e/support/system.js';
import { generatedPerson } from '../../tools/vendor-sim/src/index.js';
import type { Benchmark, BenchContext, BenchOutcome, Figure } from './types.js';
import { percentile, perSecond } from './types.js';

/** CPU time a process has used, in milliseconds (user + system, from /proc; Linux clock ticks are 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * A burst: 300 requests from distinct people for the auto-approved application, 20 in flight, to
 * every service running as its own process (as `npm start` runs them) against the real NATS,
 * Postgres and the simulator. Accepted and granted per second, request-to-granted p50/p99, CPU
 * milliseconds per request of each service, and Postgres commits per request, beside the raw commit
 * and publish limits of the same run.
 */
export const burst: Benchmark = {
  name: 'burst',
  title: 'Burst of requests, end to end',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const total = ctx.quick ? 30 : 300;
    const inFlight = 20;
    const system = await startSystem('bench_burst', {}, { sim: { generatedPeople: total } });
    const nc = await connect({ servers: system.natsUrl, name: 'bench' });
    const database = new URL(system.env.DATABASE_URL!).pathname.slice(1);
    const admin = new pg.Client({ connectionString: system.env.DATABASE_URL });
    await admin.connect();
    try {
      const grantedAt = new Map<string, number>();
      const subscription = nc.subscribe(`${system.topology.prefix}.granted`, {
        callback: (_, message) => {
          grantedAt.set((message.json() as { requestId: string }).requestId, performance.now());
        },
      });
      const commits = async (): Promise<number> =>
        Number((await admin.query(`SELECT xact_commit FROM pg_stat_database WHERE datname = $1`, [database])).rows[0].xact_commit);
      const pids = serviceNames.map((name) => [name, system.services[name].child.pid!] as const);
      const cpuBefore = new Map(pids.map(([name, pid]) => [name, cpuMs(pid)]));
      const commitsBefore = await commits();

      const client = ApiClient.apiKey(system);
      const submittedAt = new Map<string, number>();
      const started = performance.now();
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < total) {
          const person = generatedPerson(++next);
          const at = performance.now();
          const created = await client.call('intake', 'POST', '/v1/requests', {
            applicationId: 'demo-sandbox',
            duration: '30m',
            justification: 'burst benchmark',
            requester: person.email,
          });
          if (created.status !== 202) throw new Error(`a request was answered ${created.status}: ${JSON.stringify(created.body)}`);
          submittedAt.set(created.body.id, at);
        }
      };
      await Promise.all(Array.from({ length: inFlight }, worker));
      const accepted = performance.now();
      const deadline = Date.now() + 10 * 60_000;
      while ([...submittedAt.keys()].some((id) => !grantedAt.has(id))) {
        if (Date.now() > deadline) throw new Error(`only ${grantedAt.size} of ${total} granted in 10 minutes`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const lastGrant = Math.max(...[...submittedAt.keys()].map((id) => grantedAt.get(id)!));
      subscription.unsubscribe();
      // Let the audit and the scheduler finish their part of the burst before reading the CPU and commit counters.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const cpuPerRequest = Object.fromEntries(
        pids.map(([name, pid]) => [name, Math.round(((cpuMs(pid) - cpuBefore.get(name)!) / total) * 10) / 10]),
      );
      const commitsPerRequest = Math.round((((await commits()) - commitsBefore) / total) * 10) / 10;
      const latencies = [...submittedAt.entries()].map(([id, at]) => grantedAt.get(id)! - at).sort((a, b) => a - b);
      const grantedPerSecond = perSecond(total, lastGrant - started);
      const commitRate = Math.round(commitsPerRequest * grantedPerSecond);
      const totalCpu = Object.values(cpuPerRequest).reduce((a, b) => a + b, 0);
      const figures: Figure[] = [
        { name: `${total} requests, ${inFlight} in flight: accepted`, value: perSecond(total, accepted - started), unit: 'requests/s' },
        { name: 'granted', value: grantedPerSecond, unit: 'requests/s' },
        { name: 'request to granted, p50', value: Math.round(percentile(latencies, 0.5)), unit: 'ms' },
        { name: 'request to granted, p99', value: Math.round(percentile(latencies, 0.99)), unit: 'ms' },
        { name: 'CPU per request, all services', value: Math.round(totalCpu * 10) / 10, unit: 'ms' },
        ...Object.entries(cpuPerRequest).map(([name, ms]) => ({ name: `CPU per request, ${name}`, value: ms, unit: 'ms' })),
        {
          name: 'Postgres commits while granting',
          value: commitRate,
          unit: 'tx/s',
          limit: { name: 'raw single-row commits', value: ctx.limits.pgCommit, unit: 'tx/s' },
          ratio: Math.round((commitRate / ctx.limits.pgCommit) * 100) / 100,
        },
        { name: 'Postgres commits per request', value: commitsPerRequest, unit: 'commits' },
      ];
      return { figures, details: { total, inFlight, cpuMsPerRequest: cpuPerRequest, commitsPerRequest } };
    } finally {
      await admin.end();
      await nc.close();
      await system.stop();
    }
  },
};
