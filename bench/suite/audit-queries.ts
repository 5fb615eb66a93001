import pg from 'pg';
import { startAuditService } from '../../apps/audit/test/support/audit-service.js';
import { seedAuditEvents } from '../seed-audit-events.js';
import type { Benchmark, BenchContext, BenchOutcome, Figure } from './types.js';
import { percentile } from './types.js';

const apiKey = 'bench-audit-queries-key-0123';

/**
 * Auditor queries through the audit service's API on a store of 1,000,000 events (seeded by
 * bench/seed-audit-events.ts): a request's timeline and filtered event lists, p50 and p95 of the
 * answer time. Goal: p95 under 50 ms. The limit beside each is one Postgres commit in the same run,
 * the least any query costs here (the service records every auditor query before answering it).
 */
export const auditQueries: Benchmark = {
  name: 'audit-queries',
  title: 'Audit: queries on a large store',
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const total = ctx.quick ? 20_000 : 1_000_000;
    const samples = ctx.quick ? 30 : 200;
    const service = await startAuditService('bench_audit_queries', { JIT_DEMO_API_KEY: apiKey, LOG_LEVEL: 'error' });
    const owner = new pg.Client({ connectionString: service.databaseUrl });
    await owner.connect();
    try {
      ctx.log(`seeding ${total} events`);
      const t = performance.now();
      const seeded = await seedAuditEvents(owner, total, ctx.log);
      const seedSeconds = Math.round(performance.now() - t) / 1000;
      await owner.query('ANALYZE audit.audit_events');
      const pick = <T>(list: T[], i: number): T => list[(i * 7919) % list.length];
      const day = (i: number): { from: string; to: string } => {
        const span = seeded.to.getTime() - seeded.from.getTime();
        const start = new Date(seeded.from.getTime() + ((i * 104729) % Math.max(span - 86_400_000, 1)));
        return { from: start.toISOString(), to: new Date(start.getTime() + 86_400_000).toISOString() };
      };
      const queries: Record<string, (i: number) => string> = {
        "a request's timeline": (i) => `/v1/audit/requests/${pick(seeded.requestIds, i)}/timeline`,
        'events of a requester': (i) => `/v1/audit/events?requester=${pick(seeded.people, i)}&limit=50`,
        'events of a requester, one type': (i) => `/v1/audit/events?requester=${pick(seeded.people, i)}&type=granted&limit=50`,
        'events of an application in a day': (i) => {
          const { from, to } = day(i);
          return `/v1/audit/events?applicationId=${pick(seeded.applications, i)}&from=${from}&to=${to}&limit=50`;
        },
        'events of one type in a day': (i) => {
          const { from, to } = day(i);
          return `/v1/audit/events?type=revoked&from=${from}&to=${to}&limit=50`;
        },
      };
      const figures: Figure[] = [];
      const limit = { name: 'one Postgres commit (raw)', value: Math.round((1000 / ctx.limits.pgCommit) * 100) / 100, unit: 'ms' };
      for (const [name, path] of Object.entries(queries)) {
        const times: number[] = [];
        for (let i = 0; i < samples; i++) {
          const started = performance.now();
          const response = await fetch(`${service.url}${path(i)}`, { headers: { authorization: `Bearer ${apiKey}` } });
          await response.json();
          if (response.status !== 200) throw new Error(`${path(i)} answered ${response.status}`);
          times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        const round = (n: number): number => Math.round(n * 10) / 10;
        figures.push({ name: `${name}, p50`, value: round(percentile(times, 0.5)), unit: 'ms', limit });
        const p95 = round(percentile(times, 0.95));
        figures.push({ name: `${name}, p95`, value: p95, unit: 'ms', limit, goal: 'p95 < 50 ms', pass: p95 < 50 });
      }
      return { figures, details: { events: total, samplesPerQuery: samples, seedSeconds } };
    } finally {
      await owner.end();
      await service.stop();
    }
  },
};
