import pg from 'pg';
import { ApiClient, serviceNames, type RunningSystem } from '../../e2e/support/system.js';
import { DEFAULT_OKTA_RATE_LIMIT_PER_MINUTE, generatedPerson } from '../../tools/vendor-sim/src/index.js';
import { cpuNow, cpuSince, EventClock, startBenchSystem } from '../support/system-probe.js';
import type { Benchmark, BenchContext, BenchOutcome, Figure } from './types.js';
import { percentile, perSecond } from './types.js';

/** Okta's budget for the second round (calls a minute): `BENCH_OKTA_PER_MINUTE`, else high enough never to pace a burst. */
const RAISED_OKTA_PER_MINUTE = Number(process.env.BENCH_OKTA_PER_MINUTE ?? 60_000);

/** What one round of requests took. */
interface Round {
  started: number;
  accepted: number;
  lastGrant: number;
  /** Request to granted, ms, sorted. */
  latencies: number[];
}

/** Submits `total` requests from the people numbered after `first`, `inFlight` at a time, and waits for every grant. */
async function submitRound(system: RunningSystem, events: EventClock, first: number, total: number, inFlight: number): Promise<Round> {
  const client = ApiClient.apiKey(system);
  const submittedAt = new Map<string, number>();
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const person = generatedPerson(first + ++next);
      const at = performance.now();
      const created = await client
        .call('intake', 'POST', '/v1/requests', {
          applicationId: 'demo-sandbox',
          duration: '30m',
          justification: 'burst benchmark',
          requester: person.email,
        })
        .catch((error: unknown) => {
          const intake = system.services.intake;
          throw new Error(
            `intake did not answer (${String(error)}: ${String((error as { cause?: unknown }).cause)}); exit ${intake.child.exitCode}: ${intake.output().slice(-2000)}`,
          );
        });
      if (created.status !== 202) throw new Error(`a request was answered ${created.status}: ${JSON.stringify(created.body)}`);
      submittedAt.set(created.body.id, at);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const accepted = performance.now();
  const grantedAt = await Promise.all([...submittedAt.keys()].map((id) => events.when('granted', id, 10 * 60_000)));
  const latencies = [...submittedAt.values()].map((at, i) => grantedAt[i] - at).sort((a, b) => a - b);
  return { started, accepted, lastGrant: Math.max(...grantedAt), latencies };
}

/** Sets the simulator's Okta budget (calls a minute). */
async function setOktaBudget(system: RunningSystem, perMinute: number): Promise<void> {
  const response = await fetch(`${system.sim.url}/_sim/okta/rate-limit`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ perMinute }),
  });
  if (!response.ok) throw new Error(`the simulator refused an Okta budget of ${perMinute}: ${response.status}`);
}

/**
 * A burst: 300 requests from distinct people for the auto-approved application, 20 in flight, to
 * every service running as its own process (as `npm start` runs them) against the real NATS,
 * Postgres and the simulator. Accepted and granted per second, request-to-granted p50/p99, CPU
 * milliseconds per request of each service, and Postgres commits per request, beside the raw commit
 * limit of the same run. Okta's default budget paces the grants (a new person's first grant costs
 * two calls), so a second round of as many new people runs with the budget raised
 * (`BENCH_OKTA_PER_MINUTE`, 60,000 a minute by default): its granted per second is the system's own.
 */
export const burst: Benchmark = {
  name: 'burst',
  title: 'Burst of requests, end to end',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const total = ctx.quick ? 30 : 300;
    const inFlight = 20;
    const { system, nc, stop } = await startBenchSystem('bench_burst', { sim: { generatedPeople: 2 * total } });
    const database = new URL(system.env.DATABASE_URL!).pathname.slice(1);
    const admin = new pg.Client({ connectionString: system.env.DATABASE_URL });
    await admin.connect();
    const events = new EventClock(nc, system.topology.prefix, ['granted']);
    try {
      const commits = async (): Promise<number> =>
        Number((await admin.query(`SELECT xact_commit FROM pg_stat_database WHERE datname = $1`, [database])).rows[0].xact_commit);
      const cpuBefore = cpuNow(system);
      const commitsBefore = await commits();
      ctx.log(`${total} requests under Okta's default budget`);
      const paced = await submitRound(system, events, 0, total, inFlight);
      // The audit and the scheduler finish their part of the burst just after the last grant.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const cpu = cpuSince(system, cpuBefore);
      const cpuPerRequest = Object.fromEntries(serviceNames.map((name) => [name, Math.round((cpu[name] / total) * 10) / 10]));
      const commitsPerRequest = Math.round((((await commits()) - commitsBefore) / total) * 10) / 10;
      const grantedPerSecond = perSecond(total, paced.lastGrant - paced.started);
      const commitRate = Math.round(commitsPerRequest * grantedPerSecond);
      const totalCpu = Object.values(cpuPerRequest).reduce((a, b) => a + b, 0);
      const oktaGrantsPerSecond = DEFAULT_OKTA_RATE_LIMIT_PER_MINUTE / 60 / 2;

      ctx.log(`${total} more with Okta's budget raised to ${RAISED_OKTA_PER_MINUTE} a minute`);
      await setOktaBudget(system, RAISED_OKTA_PER_MINUTE);
      const free = await submitRound(system, events, total, total, inFlight);
      const freeGrantedPerSecond = perSecond(total, free.lastGrant - free.started);
      const raisedGrantsPerSecond = RAISED_OKTA_PER_MINUTE / 60 / 2;

      const figures: Figure[] = [
        {
          name: `${total} requests, ${inFlight} in flight: accepted`,
          value: perSecond(total, paced.accepted - paced.started),
          unit: 'requests/s',
        },
        {
          name: 'granted',
          value: grantedPerSecond,
          unit: 'requests/s',
          // A new person's first grant costs Okta a user lookup and a membership PUT, under the simulator's default budget.
          limit: { name: "Okta's budget at 2 calls a grant", value: oktaGrantsPerSecond, unit: 'requests/s' },
          ratio: Math.round((grantedPerSecond / oktaGrantsPerSecond) * 100) / 100,
        },
        { name: 'request to granted, p50', value: Math.round(percentile(paced.latencies, 0.5)), unit: 'ms' },
        { name: 'request to granted, p99', value: Math.round(percentile(paced.latencies, 0.99)), unit: 'ms' },
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
        {
          name: `Okta budget raised to ${RAISED_OKTA_PER_MINUTE}/min: accepted`,
          value: perSecond(total, free.accepted - free.started),
          unit: 'requests/s',
        },
        {
          name: `Okta budget raised to ${RAISED_OKTA_PER_MINUTE}/min: granted`,
          value: freeGrantedPerSecond,
          unit: 'requests/s',
          limit: { name: "Okta's raised budget at 2 calls a grant", value: raisedGrantsPerSecond, unit: 'requests/s' },
          ratio: Math.round((freeGrantedPerSecond / raisedGrantsPerSecond) * 100) / 100,
        },
        { name: 'Okta budget raised: request to granted, p50', value: Math.round(percentile(free.latencies, 0.5)), unit: 'ms' },
        { name: 'Okta budget raised: request to granted, p99', value: Math.round(percentile(free.latencies, 0.99)), unit: 'ms' },
      ];
      return {
        figures,
        details: { total, inFlight, cpuMsPerRequest: cpuPerRequest, commitsPerRequest, raisedOktaPerMinute: RAISED_OKTA_PER_MINUTE },
      };
    } finally {
      events.close();
      await admin.end();
      await stop();
    }
  },
};
