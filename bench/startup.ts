/**
 * Start-up and memory benchmark (issue 12): `npm start` as a person runs it, in its own process
 * group with a data folder of its own. A cold start (nothing compiled, no database, no stream) and
 * warm starts on the same folder are each timed from the command to the banner; after each, every
 * process is left idle and its resident memory read from /proc. Goals: under 150 MiB a service at
 * idle, cold start under 15 s, warm under 8 s. The same run measures bare Node (an empty script)
 * beside them, the floor no service can go under.
 *
 * `npm run bench:startup` (or the suite): a table on stdout, JSON in bench/results/startup.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@jit/events/testing';
import { banner, startSupervisor, type Supervisor } from '../e2e/support/supervisor.js';

const root = resolve(import.meta.dirname, '..');

export interface StartupOptions {
  /** Warm starts after the cold one; the median is reported. */
  warmStarts: number;
  /** How long every process idles before its memory is read. */
  idleMs: number;
}

export interface StartupFigures {
  coldStartMs: number;
  warmStartMs: number[];
  warmStartMedianMs: number;
  /** Resident memory at idle after the last warm start, MiB, per process the supervisor runs. */
  rssMiB: Record<string, number>;
  bareNodeRssMiB: number;
  goals: { serviceRssMiB: number; coldStartMs: number; warmStartMs: number };
  machine: { cpus: number; loadAverage1m: number };
}

const goals = { serviceRssMiB: 150, coldStartMs: 15_000, warmStartMs: 8_000 };

/** Resident memory of a process, MiB. */
function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}

/** Bare Node 24 idling: the floor of every service's memory, measured on this machine in this run. */
async function bareNodeRss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  await sleep(1000);
  const rss = rssOf(child.pid!);
  child.kill();
  return rss;
}

/** Milliseconds from `started` to the banner, the supervisor `npm start` leads as a terminal's shell runs it. */
async function untilBanner(supervisor: Supervisor, started: number): Promise<number> {
  await banner(supervisor);
  return Date.now() - started;
}

/** Ctrl-C as a terminal sends it, and the wait for everything to stop. */
async function stop(supervisor: Supervisor): Promise<void> {
  supervisor.ctrlC();
  await supervisor.exited;
}

/** Every child the supervisor runs, by name, from its record. */
function children(dataDir: string): { name: string; pid: number }[] {
  return (JSON.parse(readFileSync(join(dataDir, 'supervisor.pid'), 'utf8')) as { children: { name: string; pid: number }[] }).children;
}

export async function measureStartup(options: StartupOptions): Promise<StartupFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jit-bench-startup-'));
  const names = [
    'INTAKE_PORT',
    'APPROVAL_PORT',
    'PROVISIONER_PORT',
    'SCHEDULER_PORT',
    'AUDIT_PORT',
    'VENDOR_SIM_PORT',
    'JIT_NATS_PORT',
    'EMBEDDED_POSTGRES_PORT',
  ];
  const ports = Object.fromEntries(await Promise.all(names.map(async (name) => [name, String(await freePort())] as const)));
  const env = { ...ports, JIT_DATA_DIR: dataDir, LOG_FORMAT: 'json', LOG_LEVEL: 'warn' };
  try {
    // Cold: nothing compiled, no database cluster, no stream.
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    let started = Date.now();
    let run = startSupervisor(env);
    const coldStartMs = await untilBanner(run, started);
    await stop(run);

    const warmStartMs: number[] = [];
    let rssMiB: Record<string, number> = {};
    for (let i = 0; i < options.warmStarts; i++) {
      started = Date.now();
      run = startSupervisor(env);
      warmStartMs.push(await untilBanner(run, started));
      await sleep(options.idleMs);
      rssMiB = Object.fromEntries(children(dataDir).map(({ name, pid }) => [name, rssOf(pid)]));
      rssMiB.supervisor = rssOf(JSON.parse(readFileSync(join(dataDir, 'supervisor.pid'), 'utf8')).pid as number);
      await stop(run);
    }
    const sorted = [...warmStartMs].sort((a, b) => a - b);
    return {
      coldStartMs,
      warmStartMs,
      warmStartMedianMs: sorted[Math.floor(sorted.length / 2)]!,
      rssMiB,
      bareNodeRssMiB: await bareNodeRss(),
      goals,
      machine: { cpus: cpus().length, loadAverage1m: Math.round(loadavg()[0]! * 100) / 100 },
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const services = ['intake', 'approval', 'provisioner', 'scheduler', 'audit'];

/** The figures beside their goals, one line each. */
export function startupTable(figures: StartupFigures): string {
  const verdict = (ok: boolean) => (ok ? 'ok' : 'OVER');
  const rows = [
    [
      'cold start to banner',
      `${(figures.coldStartMs / 1000).toFixed(1)} s`,
      `< ${goals.coldStartMs / 1000} s`,
      verdict(figures.coldStartMs < goals.coldStartMs),
    ],
    [
      'warm start to banner (median)',
      `${(figures.warmStartMedianMs / 1000).toFixed(1)} s`,
      `< ${goals.warmStartMs / 1000} s`,
      verdict(figures.warmStartMedianMs < goals.warmStartMs),
    ],
    ...Object.entries(figures.rssMiB).map(([name, rss]) => [
      `RSS at idle: ${name}`,
      `${rss} MiB`,
      services.includes(name) ? `< ${goals.serviceRssMiB} MiB` : '',
      services.includes(name) ? verdict(rss < goals.serviceRssMiB) : '',
    ]),
    ['RSS: bare Node (floor)', `${figures.bareNodeRssMiB} MiB`, '', ''],
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}

if (import.meta.filename === process.argv[1]) {
  if (spawnSync('nats-server', ['--version']).error)
    throw new Error('the start-up benchmark needs nats-server on the PATH, as npm start does');
  const quick = process.argv.includes('--quick');
  const figures = await measureStartup({ warmStarts: quick ? 1 : 3, idleMs: quick ? 3_000 : 10_000 });
  process.stdout.write(`${startupTable(figures)}\n`);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/startup.json'), `${JSON.stringify({ at: new Date().toISOString(), ...figures }, null, 2)}\n`);
}
