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
import { freePort, waitFor } from '@jit/events/testing';
import { banner, startSupervisor, type Supervisor } from '../e2e/support/supervisor.js';

const root = resolve(import.meta.dirname, '..');

export interface StartupOptions {
  /** Lifecycles driven after the idle reading, so that every vendor SDK has been used when memory is read again. */
  lifecycles: number;
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
  /** After the idle reading: full lifecycles (ask, approve, granted with its Jira key, relinquished), one after another. */
  work: { lifecycles: number; ms: number; cpuMs: Record<string, number>; rssMiB: Record<string, number> };
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

/** User and system CPU a process has used so far, ms (from /proc, in clock ticks of 10 ms). */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
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

/**
 * The README's walkthrough, `count` times over: alice asks for AWS production access, bob approves, the
 * grant lands with its Jira key (so the provisioner has used both SDKs, and approval Okta and Slack),
 * alice gives it back and the revocation completes.
 */
async function lifecycles(ports: Record<string, string>, count: number): Promise<void> {
  const url = (name: string, path: string) => `http://127.0.0.1:${ports[name]}${path}`;
  const json = async (response: Response) => {
    const body = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  };
  const token = async (sub: string) =>
    (
      await json(
        await fetch(url('VENDOR_SIM_PORT', '/_sim/token'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sub }),
        }),
      )
    ).access_token as string;
  const [alice, bob] = [await token('alice@example.com'), await token('bob@example.com')];
  const call = async (port: string, path: string, as: string, body?: unknown) =>
    json(
      await fetch(url(port, path), {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${as}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  const until = (id: string, state: string, what: (view: Record<string, unknown>) => boolean = () => true) =>
    waitFor(
      async () => {
        const view = await call('INTAKE_PORT', `/v1/requests/${id}?waitFor=${state}&timeout=30s`, alice);
        const outcome = (view.wait as { outcome?: string } | undefined)?.outcome;
        if (outcome === 'unreachable') throw new Error(`request ${id} can no longer reach ${state}`);
        return outcome === 'reached' && what(view);
      },
      { timeoutMs: 60_000, intervalMs: 100, what: `request ${id} ${state}` },
    );
  for (let i = 0; i < count; i++) {
    const { id } = (await call('INTAKE_PORT', '/v1/requests', alice, {
      applicationId: 'aws-prod-console',
      duration: '2h',
      justification: `INC-${i + 1}`,
    })) as {
      id: string;
    };
    await until(id, 'awaiting_approval');
    await call('APPROVAL_PORT', `/v1/approvals/${id}/decision`, bob, { decision: 'approve' });
    await until(id, 'granted', (view) => typeof view.ticketKey === 'string');
    await call('INTAKE_PORT', `/v1/requests/${id}/revoke`, alice, {});
    await until(id, 'revoked');
  }
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
  let run: Supervisor | undefined;
  try {
    // Cold: nothing compiled, no database cluster, no stream.
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    let started = Date.now();
    run = startSupervisor(env);
    const coldStartMs = await untilBanner(run, started);
    await stop(run);

    const warmStartMs: number[] = [];
    let rssMiB: Record<string, number> = {};
    let work: StartupFigures['work'] = { lifecycles: 0, ms: 0, cpuMs: {}, rssMiB: {} };
    for (let i = 0; i < options.warmStarts; i++) {
      started = Date.now();
      run = startSupervisor(env);
      warmStartMs.push(await untilBanner(run, started));
      await sleep(options.idleMs);
      const processes = children(dataDir);
      rssMiB = Object.fromEntries(processes.map(({ name, pid }) => [name, rssOf(pid)]));
      rssMiB.supervisor = rssOf(JSON.parse(readFileSync(join(dataDir, 'supervisor.pid'), 'utf8')).pid as number);
      if (i === options.warmStarts - 1 && options.lifecycles > 0) {
        const cpuBefore = Object.fromEntries(processes.map(({ name, pid }) => [name, cpuOf(pid)]));
        const workStarted = Date.now();
        await lifecycles(ports, options.lifecycles);
        const ms = Date.now() - workStarted;
        await sleep(options.idleMs);
        work = {
          lifecycles: options.lifecycles,
          ms,
          cpuMs: Object.fromEntries(processes.map(({ name, pid }) => [name, cpuOf(pid) - cpuBefore[name]!])),
          rssMiB: Object.fromEntries(processes.map(({ name, pid }) => [name, rssOf(pid)])),
        };
      }
      await stop(run);
    }
    const sorted = [...warmStartMs].sort((a, b) => a - b);
    return {
      coldStartMs,
      warmStartMs,
      warmStartMedianMs: sorted[Math.floor(sorted.length / 2)]!,
      rssMiB,
      work,
      bareNodeRssMiB: await bareNodeRss(),
      goals,
      machine: { cpus: cpus().length, loadAverage1m: Math.round(loadavg()[0]! * 100) / 100 },
    };
  } finally {
    // A failed run stops what it started, NATS and Postgres included, before its folder goes.
    if (run && run.child.exitCode === null && run.child.signalCode === null) await stop(run);
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
    ...services
      .filter((name) => name in figures.work.rssMiB)
      .flatMap((name) => [
        [`RSS after ${figures.work.lifecycles} lifecycles: ${name}`, `${figures.work.rssMiB[name]} MiB`, '', ''],
        [`CPU per lifecycle: ${name}`, `${Math.round(figures.work.cpuMs[name]! / figures.work.lifecycles)} ms`, '', ''],
      ]),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}

if (import.meta.filename === process.argv[1]) {
  if (spawnSync('nats-server', ['--version']).error)
    throw new Error('the start-up benchmark needs nats-server on the PATH, as npm start does');
  const quick = process.argv.includes('--quick');
  const figures = await measureStartup({ warmStarts: quick ? 1 : 3, idleMs: quick ? 3_000 : 10_000, lifecycles: quick ? 2 : 20 });
  process.stdout.write(`${startupTable(figures)}\n`);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/startup.json'), `${JSON.stringify({ at: new Date().toISOString(), ...figures }, null, 2)}\n`);
}
