// `npm start`: the whole system on one machine, each service and the simulator as a child process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { z } from 'zod';
import { defaultTopology, type BusUser } from '@jit/events/bus';
import { consoleOutput } from './console.js';
import { localPort, startLocalBus } from './local-bus.js';
import { chooseLogFormat, logFormatSetting } from './log-format.js';
import { localSecrets } from './local-secrets.js';
import { repositoryRoot } from './repository-root.js';
import { clearStalePidFile, pidInFile, processRuns, readSupervisorRecord, writeSupervisorRecord } from './pid-files.js';
import { RestartPolicy } from './restart-policy.js';
import { SignalPolicy } from './signal-policy.js';
import { buildWebAppIfStale } from './web-build.js';
import { compiledPath, serviceEnvironment, serviceNodeOptions } from './node-options.js';

const root = repositoryRoot;
const services = [
  { name: 'intake', port: 3000 },
  { name: 'approval', port: 3001 },
  { name: 'provisioner', port: 3002 },
  { name: 'scheduler', port: 3003 },
  { name: 'audit', port: 3004 },
] as const;

const env = z
  .object({
    JIT_DATA_DIR: z.string().default(resolve(root, '.data')),
    /** An external NATS (the operator's): services log in with the NATS_* credentials given here. Unset: a local bus. */
    NATS_URL: z.string().min(1).optional(),
    /** The local bus's port; when unset, 4222 if free, else any free port. */
    JIT_NATS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    JETSTREAM_STREAM: z.string().default(defaultTopology.stream),
    JETSTREAM_SUBJECT_PREFIX: z.string().default(defaultTopology.prefix),
    JETSTREAM_DEADLETTER_STREAM: z.string().default(defaultTopology.deadLetterStream),
    JETSTREAM_DEADLETTER_PREFIX: z.string().default(defaultTopology.deadLetterPrefix),
    DATABASE_URL: z.string().optional(),
    EMBEDDED_POSTGRES_PORT: z.coerce.number().int().default(54329),
    VENDOR_SIM_PORT: z.coerce.number().int().default(4010),
    /** Unset: the demo key made on the first start and kept in the data folder (local-secrets.json). */
    JIT_DEMO_API_KEY: z.string().min(16).optional(),
    SLACK_SIGNING_SECRET: z.string().min(16).optional(),
    OKTA_ORG_URL: z.string().optional(),
    OKTA_API_TOKEN: z.string().optional(),
    JIRA_HOST: z.string().optional(),
    JIRA_EMAIL: z.string().optional(),
    JIRA_API_TOKEN: z.string().optional(),
    SLACK_BOT_TOKEN: z.string().optional(),
    AUDITORS: z.string().optional(),
    /** `pretty` or `json`; unset: pretty when stdout is a terminal, JSON lines otherwise. */
    LOG_FORMAT: logFormatSetting,
    /** The least severe lines shown; the services get it too. */
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  })
  .parse(process.env);

const dataDir = resolve(env.JIT_DATA_DIR);
const natsDir = resolve(dataDir, 'nats');
const natsPidFile = resolve(natsDir, 'nats.pid');
const databaseDir = resolve(dataDir, 'postgres');
/**
 * The password of the audit service's own login role on the embedded Postgres, new each start:
 * tools/dev/postgres.ts creates or updates the role `jit_audit` with it. The role owns nothing, so
 * the audit service writes as a role that may only insert and select while the owner migrates.
 */
const auditPassword = randomBytes(18).toString('base64url');
const postmasterPidFile = resolve(databaseDir, 'postmaster.pid');
/** The simulator's signing key and its Okta, Jira and Slack state, kept across restarts. */
const vendorSimDir = resolve(dataDir, 'vendor-sim');
/** The demo API key and the Slack signing secret, made on the first start. */
const secretsFile = resolve(dataDir, 'local-secrets.json');
/** This supervisor's pid and its children's, so that a start after a crash finds what it left running. */
const supervisorFile = resolve(dataDir, 'supervisor.pid');
const logFormat = chooseLogFormat(env.LOG_FORMAT, process.stdout.isTTY === true);
const out = consoleOutput(logFormat, env.LOG_LEVEL);

/** A child process; tier 0 is infrastructure, 1 the simulator, 2 the services; shutdown goes from the highest tier down. */
interface Child {
  name: string;
  child: ChildProcess;
  tier: number;
  /** Part of its command line, to tell it from an unrelated process that got its pid after a crash. */
  command: string;
}
const children: Child[] = [];
let phase: 'running' | 'stopping' | 'forcing' = 'running';

function log(message: string, extra: Record<string, unknown> = {}): void {
  out.write(`${JSON.stringify({ time: new Date().toISOString(), level: 30, service: 'supervisor', msg: message, ...extra })}\n`);
}

/** Prints why `npm start` cannot go on and exits, leaving alone whatever the message names. */
function refuse(message: string): never {
  process.stderr.write(`${message}\n`);
  removeOwnFiles();
  process.exit(1);
}

function record(): void {
  writeSupervisorRecord(supervisorFile, {
    pid: process.pid,
    children: children.flatMap(({ name, child, command }) => (child.pid === undefined ? [] : [{ name, pid: child.pid, command }])),
  });
}

/**
 * Every child runs detached, in a process group of its own: a terminal's Ctrl-C then reaches only
 * the supervisor (and npm), which stops the services before the simulator, and those before NATS
 * and Postgres, so no service loses its bus or database while it drains. Signalling the group
 * reaches what the child started itself (Postgres' initdb and postmaster).
 */
function spawnChild(
  name: string,
  tier: number,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; quiet?: boolean } = {},
): ChildProcess {
  // In pretty mode stderr (stack traces, a service's refusal to start) goes through the printer too, so lines do not interleave.
  const stderr = options.quiet ? 'ignore' : logFormat === 'pretty' ? 'pipe' : 'inherit';
  const child = spawn(command, args, {
    cwd: root,
    env: options.env,
    stdio: ['ignore', options.quiet ? 'ignore' : 'pipe', stderr],
    detached: true,
  });
  child.stderr?.on('data', (chunk: Buffer) => out.write(chunk));
  const entry = { name, child, tier, command: args.at(-1) ?? command };
  children.push(entry);
  record();
  child.once('exit', () => {
    children.splice(children.indexOf(entry), 1);
    if (phase === 'running') record();
  });
  return child;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

/**
 * A start after a crash (of the supervisor, of the machine, or a SIGKILL) finds what the last one
 * left: children still running are stopped, stale PID files removed, each with a line saying so.
 * It refuses only when a process that owns this data folder really still runs.
 */
async function clearLeftovers(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const previous = readSupervisorRecord(supervisorFile);
  // After a reboot (a container's restart) the old pid may be this very process.
  if (previous && previous.pid !== process.pid && processRuns(previous.pid, 'tools/dev/start.')) {
    refuse(
      `\`npm start\` already runs with the data folder ${dataDir} (pid ${previous.pid}). Stop it first: Ctrl-C in its terminal, or \`kill ${previous.pid}\`.`,
    );
  }
  if (previous) {
    const orphans = previous.children.filter(({ pid, command }) => processRuns(pid, command));
    for (const { name, pid } of orphans)
      log(`stopping ${name} (pid ${pid}), left running by an earlier \`npm start\` that did not stop cleanly`);
    // Services first, so they let go of the bus and the database before those stop.
    const infrastructure = ({ name }: { name: string }) => name === 'nats-server' || name === 'postgres';
    for (const group of [orphans.filter((o) => !infrastructure(o)), orphans.filter(infrastructure)]) {
      await Promise.all(group.map(({ pid, command }) => stopOrphan(pid, command)));
    }
    log('removed the PID file of an earlier `npm start` that did not stop cleanly', { file: supervisorFile, pid: previous.pid });
  }
  for (const [file, command, what, howToStop] of [
    [natsPidFile, 'nats-server', 'A nats-server', 'kill'],
    [postmasterPidFile, 'postgres', 'A Postgres', 'kill -INT'],
  ] as const) {
    const state = clearStalePidFile(file, command);
    if (state.state === 'running') {
      refuse(
        `${what} not started by a running \`npm start\` still uses ${dirnameOf(file)} (pid ${state.pid}). Stop it first: \`${howToStop} ${state.pid}\`.`,
      );
    }
    if (state.state === 'cleared') log(`removed a stale PID file: pid ${state.pid ?? '(none)'} no longer runs ${command}`, { file });
  }
}

function dirnameOf(file: string): string {
  return resolve(file, '..');
}

/** SIGTERM to the orphan's process group, then SIGKILL if it is still there after ten seconds. */
async function stopOrphan(pid: number, command: string): Promise<void> {
  const send = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Gone meanwhile.
    }
  };
  send('SIGTERM');
  const deadline = Date.now() + 10_000;
  while (processRuns(pid, command)) {
    if (Date.now() > deadline) {
      send('SIGKILL');
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function natsReachable(url: string, login: { user?: string; pass?: string } = {}): Promise<boolean> {
  try {
    const nc = await connect({ servers: url, reconnect: false, timeout: 1000, ...login });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

/** Thrown into start-up when a signal arrives before it is done: nothing more is started. */
class StoppingError extends Error {}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (phase !== 'running') throw new StoppingError(`stopped while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Where the services find the bus, and the login each one uses there (none: the operator's NATS_* variables pass through). */
interface Bus {
  url: string;
  logins?: Record<BusUser, string>;
}

/**
 * An external NATS (NATS_URL set) is the operator's: its users are theirs, and the services log in
 * with the NATS_* variables given. Otherwise a local nats-server starts with a generated user per
 * service whose permissions cover only the events it owns, as in a deployment.
 */
async function ensureNats(): Promise<Bus> {
  if (env.NATS_URL) {
    // Each service waits for it and exits naming the variables if it refuses their login.
    log('using NATS', { url: env.NATS_URL });
    return { url: env.NATS_URL };
  }
  if (spawnSync('nats-server', ['--version']).error) {
    refuse(
      'nats-server is not installed.\n' +
        'Install it (Debian/Ubuntu: `sudo apt-get install nats-server`; macOS: `brew install nats-server`) or set NATS_URL.',
    );
  }
  const port = env.JIT_NATS_PORT ?? (await localPort(4222));
  const bus = startLocalBus({
    dir: natsDir,
    port,
    topology: {
      ...defaultTopology,
      stream: env.JETSTREAM_STREAM,
      prefix: env.JETSTREAM_SUBJECT_PREFIX,
      deadLetterStream: env.JETSTREAM_DEADLETTER_STREAM,
      deadLetterPrefix: env.JETSTREAM_DEADLETTER_PREFIX,
    },
    spawn: (args) => spawnChild('nats-server', 0, 'nats-server', args, { quiet: true }),
  });
  await waitUntil('nats-server', () => natsReachable(bus.url, { user: 'admin', pass: bus.passwords.admin }));
  log('started nats-server with a user per service', {
    pid: bus.child.pid,
    url: bus.url,
    config: bus.configFile,
    cliLogin: resolve(natsDir, 'cli.env'),
  });
  return { url: bus.url, logins: bus.passwords };
}

async function ensurePostgres(): Promise<string> {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  if (phase !== 'running') throw new StoppingError('stopped before Postgres started');
  const child = spawnChild('postgres', 0, process.execPath, [...serviceNodeOptions('postgres'), compiledPath('tools/dev/postgres.ts')], {
    env: {
      ...process.env,
      EMBEDDED_POSTGRES_DIR: databaseDir,
      EMBEDDED_POSTGRES_PORT: String(env.EMBEDDED_POSTGRES_PORT),
      EMBEDDED_POSTGRES_AUDIT_PASSWORD: auditPassword,
    },
  });
  await new Promise<void>((ready, failed) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready());
    child.once('exit', (code) =>
      failed(phase === 'running' ? new Error(`embedded Postgres exited with ${code}`) : new StoppingError('stopped')),
    );
  });
  const url = `postgres://postgres:postgres@127.0.0.1:${env.EMBEDDED_POSTGRES_PORT}/jit`;
  log('started embedded Postgres', { pid: child.pid, url, data: databaseDir });
  return url;
}

/**
 * Runs a service (or the simulator) and starts it again when it dies, so that access keeps being
 * revoked after a crash; repeated crashes in a short window stop everything with a message.
 */
function startChild(name: string, script: string, childEnv: NodeJS.ProcessEnv, tier: number, policy = new RestartPolicy()): void {
  if (phase !== 'running') return;
  // Every child runs the compiled JavaScript that `npm start` built (tools/dev/build.ts) just before this.
  const child = spawnChild(name, tier, process.execPath, [...serviceNodeOptions(name), compiledPath(script)], {
    env: { ...serviceEnvironment, ...process.env, LOG_LEVEL: env.LOG_LEVEL, ...childEnv },
  });
  // Not `pipe`: a dozen children piping into one stream would each add listeners to it.
  child.stdout!.on('data', (chunk: Buffer) => out.write(chunk));
  log(`started ${name}`, { pid: child.pid });
  child.on('exit', (code, signal) => {
    if (phase !== 'running') return;
    const decision = policy.onCrash(Date.now());
    if (decision.action === 'give_up') {
      log(`${name} crashed ${decision.crashes} times within a minute; stopping everything. Its output above says why.`, { code, signal });
      void shutdown(1);
      return;
    }
    log(`${name} exited unexpectedly; restarting`, { code, signal, crashes: decision.crashes, restartInMs: decision.delayMs });
    setTimeout(() => startChild(name, script, childEnv, tier, policy), decision.delayMs);
  });
}

async function httpUp(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** A graceful stop that takes longer than this is forced, as a second Ctrl-C would. */
const gracefulStopMs = 30_000;

/** Stops every child in order: services, then the simulator, then NATS and Postgres. */
async function shutdown(code: number): Promise<void> {
  if (phase !== 'running') return;
  phase = 'stopping';
  log('stopping; press Ctrl-C again to force');
  const forceLater = setTimeout(() => void force(code), gracefulStopMs);
  for (const tier of [2, 1, 0]) {
    const group = children.filter((c) => c.tier === tier);
    for (const { child } of group) signalGroup(child, 'SIGTERM');
    await Promise.all(group.map(({ child }) => exited(child)));
  }
  // Postgres' postmaster outlives its wrapper process when the signal came in the middle of its start.
  await stopPostmaster('SIGINT');
  clearTimeout(forceLater);
  if (phase === 'stopping') finish(code);
}

/** Kills whatever is left, now: the second Ctrl-C. Postgres gets its immediate shutdown, which still removes its PID file. */
async function force(code: number): Promise<void> {
  if (phase === 'forcing') return;
  phase = 'forcing';
  log('forcing the stop: killing what is left');
  const postmaster = stopPostmaster('SIGQUIT');
  for (const { child } of children) signalGroup(child, 'SIGKILL');
  await Promise.all([postmaster, ...children.map(({ child }) => exited(child))]);
  finish(code === 0 ? 130 : code);
}

/** Signals the postmaster named in its PID file, if it runs, and waits (ten seconds at most, then SIGKILL) until it is gone. */
async function stopPostmaster(signal: NodeJS.Signals): Promise<void> {
  const pid = pidInFile(postmasterPidFile);
  if (pid === undefined || !processRuns(pid, 'postgres')) return;
  process.kill(pid, signal);
  const deadline = Date.now() + 10_000;
  while (processRuns(pid, 'postgres')) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Removes this supervisor's PID file and the ones its children leave behind (nats-server keeps its own after it stops). */
function removeOwnFiles(): void {
  if (readSupervisorRecord(supervisorFile)?.pid === process.pid) rmSync(supervisorFile, { force: true });
  clearStalePidFile(natsPidFile, 'nats-server');
  clearStalePidFile(postmasterPidFile, 'postgres');
}

function finish(code: number): never {
  removeOwnFiles();
  log('stopped');
  process.exit(code);
}

// `on`, not `once`: every signal needs an answer, or the second Ctrl-C kills the supervisor and orphans its children.
const signals = new SignalPolicy();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    const action = signals.onSignal(Date.now());
    if (action === 'stop') void shutdown(0);
    if (action === 'force') void force(0);
  });
}

await clearLeftovers();
record();
try {
  await main();
} catch (error) {
  if (!(error instanceof StoppingError)) {
    log('could not start', { error: error instanceof Error ? error.message : String(error) });
    await shutdown(1);
  }
}

/**
 * The audit service's settings: its checkpoint signing key under the data folder (generated on first
 * start) and, on the embedded Postgres, its own role. A database the developer gave (`DATABASE_URL`)
 * is left as it is: the audit service then migrates and writes as that role.
 */
function auditEnv(databaseUrl: string): Record<string, string> {
  const signingKey = { AUDIT_SIGNING_KEY_FILE: resolve(dataDir, 'audit-signing-key.pem') };
  if (env.DATABASE_URL) return signingKey;
  const writer = new URL(databaseUrl);
  writer.username = 'jit_audit';
  writer.password = auditPassword;
  return { ...signingKey, DATABASE_URL: writer.toString(), DATABASE_OWNER_URL: databaseUrl };
}

async function main(): Promise<void> {
  // Intake serves the web app from apps/web/dist: build it first when its sources changed.
  if (await buildWebAppIfStale()) log('built the web app (apps/web/dist)');
  const secrets = localSecrets(secretsFile, { demoApiKey: env.JIT_DEMO_API_KEY, slackSigningSecret: env.SLACK_SIGNING_SECRET });
  if (secrets.replaced) log('could not read the kept local secrets; made new ones (the demo API key changed)', { file: secretsFile });
  const realVendors = Boolean(env.OKTA_API_TOKEN && env.JIRA_API_TOKEN && env.SLACK_BOT_TOKEN);
  const simUrl = `http://127.0.0.1:${env.VENDOR_SIM_PORT}`;
  if (!realVendors) {
    startChild(
      'vendor-sim',
      'tools/vendor-sim/src/main.ts',
      {
        VENDOR_SIM_PORT: String(env.VENDOR_SIM_PORT),
        VENDOR_SIM_HOST: '127.0.0.1',
        VENDOR_SIM_STATE_DIR: vendorSimDir,
      },
      1,
    );
  }
  // NATS, Postgres and the simulator need nothing of each other: they start side by side.
  const [bus, databaseUrl] = await Promise.all([
    ensureNats(),
    ensurePostgres(),
    realVendors ? undefined : waitUntil('vendor simulator', () => httpUp(`${simUrl}/_sim/health`)),
  ]);
  const audit = auditEnv(databaseUrl);
  const vendorEnv = realVendors
    ? {}
    : {
        OKTA_ORG_URL: simUrl,
        OKTA_API_TOKEN: 'sim-okta-token',
        OIDC_ISSUER: `${simUrl}/oauth2/default`,
        JIRA_HOST: simUrl,
        JIRA_EMAIL: 'jit@example.com',
        JIRA_API_TOKEN: 'sim-jira-token',
        SLACK_BOT_TOKEN: 'xoxb-sim-token',
        SLACK_API_URL: `${simUrl}/api/`,
        // The simulator's auditor, unless the developer named their own.
        AUDITORS: env.AUDITORS ?? 'dave@example.com',
      };
  for (const service of services) {
    startChild(
      service.name,
      `apps/${service.name}/src/main.ts`,
      {
        // Local mode is what allows the simulator, the demo key and the generated secrets below.
        JIT_MODE: 'local',
        NATS_URL: bus.url,
        ...(bus.logins ? { NATS_USER: service.name, NATS_PASSWORD: bus.logins[service.name] } : {}),
        DATABASE_URL: databaseUrl,
        JIT_DEMO_API_KEY: secrets.demoApiKey,
        SLACK_SIGNING_SECRET: secrets.slackSigningSecret,
        // The web app (served by intake) calls approval and audit as the signed-in person.
        APPROVAL_URL: `http://127.0.0.1:${process.env.APPROVAL_PORT ?? 3001}`,
        AUDIT_URL: `http://127.0.0.1:${process.env.AUDIT_PORT ?? 3004}`,
        ...vendorEnv,
        ...(service.name === 'audit' ? audit : {}),
      },
      2,
    );
  }
  for (const service of services) {
    await waitUntil(
      service.name,
      () => httpUp(`http://127.0.0.1:${process.env[`${service.name.toUpperCase()}_PORT`] ?? service.port}/readyz`),
      60_000,
    );
  }
  const urls = Object.fromEntries(
    services.map((s) => [s.name, `http://127.0.0.1:${process.env[`${s.name.toUpperCase()}_PORT`] ?? s.port}`]),
  );
  if (phase !== 'running') return;
  // Through the console, after every line logged so far: the banner is the last thing start-up prints.
  out.write(
    [
      '',
      'LOCAL MODE: simulator, demo key, generated secrets — never expose',
      '',
      'JIT Access is running.',
      ...Object.entries(urls).map(([name, url]) => `  ${name.padEnd(12)} ${url}`),
      `  web app      ${urls.intake}/  (sign in as alice, bob, carol or dave)`,
      realVendors ? '  vendors      real Okta, Jira and Slack' : `  vendor-sim   ${simUrl}  (Okta, Jira, Slack simulator)`,
      `  demo API key ${secrets.demoApiKey}${secrets.created ? '' : '  (kept from the last start; `npm run reset` starts clean)'}`,
      '',
      'Try:',
      `  curl -s -H "Authorization: Bearer ${secrets.demoApiKey}" ${urls.intake}/v1/applications`,
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}
