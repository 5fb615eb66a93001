/**
 * `npm run bench [-- --quick] [-- <name> ...]`: the benchmark suite. Measures the machine's raw limits
 * first (JetStream and Postgres), then runs each named benchmark (every one by default), prints one
 * table in which each figure stands beside the limit it is read against, measured in the same run,
 * and writes everything to bench/results/<date>.json (`<date>-<names>.json` for some benchmarks only;
 * `-quick` runs are not kept).
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { auditQueries } from './suite/audit-queries.js';
import { auditReplay } from './suite/audit-replay.js';
import { burst } from './suite/burst.js';
import { decisionToAdd } from './suite/decision-to-add.js';
import { expiryLatency } from './suite/expiry-latency.js';
import { sustained } from './suite/sustained.js';
import { measureRawLimits } from './suite/raw-limits.js';
import { revocation } from './suite/revocation.js';
import { startup } from './suite/startup.js';
import type { Benchmark, BenchContext, Figure } from './suite/types.js';

/**
 * The suite, in running order. A benchmark is one module exporting a `Benchmark`; add it here.
 * Start-up and memory (`startup`) also runs alone: `npm run bench:startup`.
 */
const suite: Benchmark[] = [startup, burst, expiryLatency, decisionToAdd, sustained, auditReplay, auditQueries, revocation];

const { values, positionals } = parseArgs({ allowPositionals: true, options: { quick: { type: 'boolean', default: false } } });
const unknown = positionals.filter((name) => !suite.some((b) => b.name === name));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}: one of ${suite.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}
const selected = positionals.length > 0 ? suite.filter((b) => positionals.includes(b.name)) : suite;
const quick = values.quick ?? false;
const log = (message: string): void => void process.stderr.write(`bench: ${message}\n`);

const startedAt = new Date();
log('raw limits');
const raw = await measureRawLimits({ quick, log });
const ctx: BenchContext = { quick, limits: raw.limits, log };
const results: { name: string; title: string; figures: Figure[]; details?: Record<string, unknown>; seconds: number }[] = [
  { name: 'raw-limits', title: 'Raw limits of this machine', ...raw.outcome, seconds: 0 },
];
let failed = false;
for (const benchmark of selected) {
  log(benchmark.name);
  const t = performance.now();
  try {
    results.push({
      name: benchmark.name,
      title: benchmark.title,
      ...(await benchmark.run(ctx)),
      seconds: Math.round(performance.now() - t) / 1000,
    });
  } catch (error) {
    failed = true;
    log(`${benchmark.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    results.push({ name: benchmark.name, title: benchmark.title, figures: [], details: { error: String(error) }, seconds: 0 });
  }
}

const format = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const rows = results.flatMap((r) =>
  r.figures.map((f) => [
    r.name,
    f.name,
    `${format(f.value)} ${f.unit}`,
    f.limit ? `${format(f.limit.value)} ${f.limit.unit} (${f.limit.name})` : '',
    f.ratio === undefined ? '' : format(f.ratio),
    f.goal ? `${f.goal}: ${f.pass ? 'pass' : 'FAIL'}` : '',
  ]),
);
const header = ['benchmark', 'figure', 'value', 'beside the limit', 'ratio', 'goal'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
process.stdout.write(`${[line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')}\n`);

const report = {
  ranAt: startedAt.toISOString(),
  quick,
  machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryBytes: totalmem() },
  limits: raw.limits,
  results,
};
// A run of some benchmarks only is named after them, so it does not replace the day's whole run.
const file = `${[startedAt.toISOString().slice(0, 10), ...positionals, ...(quick ? ['quick'] : [])].join('-')}.json`;
await mkdir(new URL('results/', import.meta.url), { recursive: true });
await writeFile(new URL(`results/${file}`, import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
log(`wrote bench/results/${file}`);
process.exit(failed ? 1 : 0);
