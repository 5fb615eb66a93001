import pg from 'pg';
import { ApiClient, serviceNames, type RunningSystem, type ServiceName } from '../../e2e/support/system.js';
import { DEFAULT_OKTA_RATE_LIMIT_PER_MINUTE, generatedPerson } from '../../tools/vendor-sim/src/index.js';
import { cpuNow, cpuSince, EventClock, startBenchSystem } from '../support/system-probe.js';
import type { Benchmark, BenchContext, BenchOutcome, Figure } from './types.js';
import { percentile, perSecond } from './types.js';

/** Okta's budget for the second round (calls a minute): `BENCH_OKTA_PER_MINUTE`, else high enough never to pace a burst. */
const RAISED_OKTA_PER_MINUTE = Number(process.env.BENCH_OKTA_PER_MINUTE ?? 60_000);

/** Rounds run with Okta's budget raised; the one with the median CPU is reported. */
const RAISED_ROUNDS = 3;

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

/** What a round cost: its timings, and each service's CPU and the database's commits per request while it ran. */
interface MeasuredRound extends Round {
  cpuPerRequest: Record<ServiceName, number>;
  commitsPerRequest: number;
}

/** Tenths, for the table. */
const tenths = (value: number): number => Math.round(value * 10) / 10;

/**
 * A burst: 300 requests from distinct people for the auto-approved application, 20 in flight, to
 * every service running as its own process (as `npm start` runs them) against the real NATS,
 * Postgres and the simulator. Okta's default budget paces the first round's grants (a new person's
 * first grant costs two calls); a second round of as many new people runs with the budget raised
 * (`BENCH_OKTA_PER_MINUTE`, 60,000 a minute by default), so its figures are the system's own. For
 * each round: accepted and granted per second, request-to-granted p50/p99, CPU milliseconds per
 * request of each service and Postgres commits per request; and what the system costs idle (CPU
 * and commits a second, 20 s after start-up, before the burst), which a paced round pays for as long as it lasts.
 */
export const burst: Benchmark = {
  name: 'burst',
  title: 'Burst of requests, end to end',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const total = ctx.quick ? 30 : 300;
    const inFlight = 20;
    const idleMs = ctx.quick ? 2000 : 10_000;
    const settleMs = ctx.quick ? 0 : 20_000;
    const { system, nc, stop } = await startBenchSystem('bench_burst', { sim: { generatedPeople: (1 + RAISED_ROUNDS) * total } });
    const database = new URL(system.env.DATABASE_URL!).pathname.slice(1);
    const admin = new pg.Client({ connectionString: system.env.DATABASE_URL });
    await admin.connect();
    const events = new EventClock(nc, system.topology.prefix, ['granted']);
    const commits = async (): Promise<number> =>
      Number((await admin.query(`SELECT xact_commit FROM pg_stat_database WHERE datname = $1`, [database])).rows[0].xact_commit);
    /** CPU and commits over `work`, per one of `count` (requests, or seconds). */
    const costOf = async <T>(work: () => Promise<T>, count: number) => {
      const cpuBefore = cpuNow(system);
      const commitsBefore = await commits();
      const result = await work();
      const cpu = cpuSince(system, cpuBefore);
      const cpuPer = Object.fromEntries(serviceNames.map((name) => [name, tenths(cpu[name] / count)])) as Record<ServiceName, number>;
      return { result, cpuPer, commitsPer: tenths(((await commits()) - commitsBefore) / count) };
    };
    const measuredRound = async (first: number): Promise<MeasuredRound> => {
      const { result, cpuPer, commitsPer } = await costOf(async () => {
        const round = await submitRound(system, events, first, total, inFlight);
        // The audit and the scheduler finish their part of the burst just after the last grant.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        return round;
      }, total);
      return { ...result, cpuPerRequest: cpuPer, commitsPerRequest: commitsPer };
    };
    try {
      // A service just started is still compiling and collecting what its start-up left; idle is what it costs after.
      ctx.log(`the system settling for ${settleMs / 1000} s, then idle for ${idleMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      const idle = await costOf(() => new Promise((resolve) => setTimeout(resolve, idleMs)), idleMs / 1000);
      ctx.log(`${total} requests under Okta's default budget`);
      const paced = await measuredRound(0);
      await setOktaBudget(system, RAISED_OKTA_PER_MINUTE);
      // CPU per request moves by a fifth between runs on a shared machine: the raised round runs three
      // times (new people each time) and the figures are the round with the median CPU.
      const freeRounds: MeasuredRound[] = [];
      for (let i = 1; i <= RAISED_ROUNDS; i++) {
        ctx.log(`${total} more with Okta's budget raised to ${RAISED_OKTA_PER_MINUTE} a minute (${i} of ${RAISED_ROUNDS})`);
        freeRounds.push(await measuredRound(total * i));
      }
      const cpuOf = (round: MeasuredRound): number => Object.values(round.cpuPerRequest).reduce((a, b) => a + b, 0);
      const free = [...freeRounds].sort((a, b) => cpuOf(a) - cpuOf(b))[Math.floor(RAISED_ROUNDS / 2)];

      const roundFigures = (round: MeasuredRound, label: string, budgetName: string, budgetPerMinute: number): Figure[] => {
        const granted = perSecond(total, round.lastGrant - round.started);
        // A new person's first grant costs Okta a user lookup and a membership PUT.
        const budget = budgetPerMinute / 60 / 2;
        const commitRate = Math.round(round.commitsPerRequest * granted);
        return [
          { name: `${label}accepted`, value: perSecond(total, round.accepted - round.started), unit: 'requests/s' },
          {
            name: `${label}granted`,
            value: granted,
            unit: 'requests/s',
            limit: { name: `${budgetName} at 2 calls a grant`, value: budget, unit: 'requests/s' },
            ratio: Math.round((granted / budget) * 100) / 100,
          },
          { name: `${label}request to granted, p50`, value: Math.round(percentile(round.latencies, 0.5)), unit: 'ms' },
          { name: `${label}request to granted, p99`, value: Math.round(percentile(round.latencies, 0.99)), unit: 'ms' },
          {
            name: `${label}CPU per request, all services`,
            value: tenths(Object.values(round.cpuPerRequest).reduce((a, b) => a + b, 0)),
            unit: 'ms',
          },
          ...serviceNames.map((name) => ({ name: `${label}CPU per request, ${name}`, value: round.cpuPerRequest[name], unit: 'ms' })),
          {
            name: `${label}Postgres commits while granting`,
            value: commitRate,
            unit: 'tx/s',
            limit: { name: 'raw single-row commits', value: ctx.limits.pgCommit, unit: 'tx/s' },
            ratio: Math.round((commitRate / ctx.limits.pgCommit) * 100) / 100,
          },
          { name: `${label}Postgres commits per request`, value: round.commitsPerRequest, unit: 'commits' },
        ];
      };
      const figures: Figure[] = [
        {
          name: 'idle: CPU a second, all services',
          value: tenths(Object.values(idle.cpuPer).reduce((a, b) => a + b, 0)),
          unit: 'ms/s',
        },
        { name: 'idle: Postgres commits a second', value: idle.commitsPer, unit: 'tx/s' },
        ...roundFigures(paced, `${total} requests, ${inFlight} in flight: `, "Okta's budget", DEFAULT_OKTA_RATE_LIMIT_PER_MINUTE),
        ...roundFigures(free, `Okta budget raised to ${RAISED_OKTA_PER_MINUTE}/min: `, "Okta's raised budget", RAISED_OKTA_PER_MINUTE),
      ];
      return {
        figures,
        details: {
          total,
          inFlight,
          idle: { cpuMsPerSecond: idle.cpuPer, commitsPerSecond: idle.commitsPer },
          paced: { cpuMsPerRequest: paced.cpuPerRequest, commitsPerRequest: paced.commitsPerRequest },
          raised: { cpuMsPerRequest: free.cpuPerRequest, commitsPerRequest: free.commitsPerRequest },
          raisedRounds: freeRounds.map((round) => ({ cpuMsPerRequest: tenths(cpuOf(round)), commitsPerRequest: round.commitsPerRequest })),
          raisedOktaPerMinute: RAISED_OKTA_PER_MINUTE,
        },
      };
    } finally {
      events.close();
      await admin.end();
      await stop();
    }
  },
};
