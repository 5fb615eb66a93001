// `npm start`: the whole system on one machine, each service and the simulator as a child process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { z } from 'zod';
import { RestartPolicy } from './restart-policy.js';

const root = resolve(import.meta.dirname, '../..');
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
    NATS_URL: z.string().default('nats://127.0.0.1:4222'),
    DATABASE_URL: z.string().optional(),
    EMBEDDED_POSTGRES_PORT: z.coerce.number().int().default(54329),
    VENDOR_SIM_PORT: z.coerce.number().int().default(4010),
    JIT_DEMO_API_KEY: z
      .string()
      .min(16)
      .default(`jit_demo_${randomBytes(18).toString('base64url')}`),
    SLACK_SIGNING_SECRET: z.string().default(randomBytes(16).toString('hex')),
    OKTA_ORG_URL: z.string().optional(),
    OKTA_API_TOKEN: z.string().optional(),
    JIRA_HOST: z.string().optional(),
    JIRA_EMAIL: z.string().optional(),
    JIRA_API_TOKEN: z.string().optional(),
    SLACK_BOT_TOKEN: z.string().optional(),
    AUDITORS: z.string().optional(),
  })
  .parse(process.env);

const dataDir = resolve(env.JIT_DATA_DIR);
/** Tier 0 is infrastructure, 1 the simulator, 2 the services; shutdown goes from the highest tier down. */
const children: { name: string; child: ChildProcess; tier: number }[] = [];
let stopping = false;

function log(message: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: 'supervisor', msg: message, ...extra })}\n`);
}

async function natsReachable(url: string): Promise<boolean> {
  try {
    const nc = await connect({ servers: url, reconnect: false, timeout: 1000 });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function ensureNats(): Promise<string> {
  if (await natsReachable(env.NATS_URL)) {
    log('using NATS', { url: env.NATS_URL });
    return env.NATS_URL;
  }
  if (spawnSync('nats-server', ['--version']).error) {
    process.stderr.write(
      `NATS is not reachable at ${env.NATS_URL} and nats-server is not installed.\n` +
        'Install it (Debian/Ubuntu: `sudo apt-get install nats-server`; macOS: `brew install nats-server`) or set NATS_URL.\n',
    );
    process.exit(1);
  }
  const port = new URL(env.NATS_URL.replace(/^nats:/, 'http:')).port || '4222';
  mkdirSync(resolve(dataDir, 'nats'), { recursive: true });
  // Detached: a Ctrl-C in the terminal must not stop NATS before the services have drained.
  const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', port, '-js', '-sd', resolve(dataDir, 'nats')], {
    stdio: 'ignore',
    detached: true,
  });
  children.push({ name: 'nats-server', child, tier: 0 });
  const url = `nats://127.0.0.1:${port}`;
  await waitUntil('nats-server', () => natsReachable(url));
  log('started nats-server', { url, data: resolve(dataDir, 'nats') });
  return url;
}

async function ensurePostgres(): Promise<string> {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const databaseDir = resolve(dataDir, 'postgres');
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'tools/dev/postgres.ts'], {
    cwd: root,
    env: { ...process.env, EMBEDDED_POSTGRES_DIR: databaseDir, EMBEDDED_POSTGRES_PORT: String(env.EMBEDDED_POSTGRES_PORT) },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  children.push({ name: 'postgres', child, tier: 0 });
  await new Promise<void>((ready, failed) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready());
    child.once('exit', (code) => failed(new Error(`embedded Postgres exited with ${code}`)));
  });
  const url = `postgres://postgres:postgres@127.0.0.1:${env.EMBEDDED_POSTGRES_PORT}/jit`;
  log('started embedded Postgres', { url, data: databaseDir });
  return url;
}

/**
 * Runs a service (or the simulator) and starts it again when it dies, so that access keeps being
 * revoked after a crash; repeated crashes in a short window stop everything with a message.
 */
function startChild(name: string, script: string, childEnv: NodeJS.ProcessEnv, tier: number, policy = new RestartPolicy()): void {
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', script], {
    cwd: root,
    env: { ...process.env, ...childEnv },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const entry = { name, child, tier };
  children.push(entry);
  log(`started ${name}`, { pid: child.pid });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    children.splice(children.indexOf(entry), 1);
    const decision = policy.onCrash(Date.now());
    if (decision.action === 'give_up') {
      log(`${name} crashed ${decision.crashes} times within a minute; stopping everything. Its output above says why.`, { code, signal });
      void shutdown(1);
      return;
    }
    log(`${name} exited unexpectedly; restarting`, { code, signal, crashes: decision.crashes, restartInMs: decision.delayMs });
    setTimeout(() => stopping || startChild(name, script, childEnv, tier, policy), decision.delayMs);
  });
}

async function httpUp(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping');
  for (const tier of [2, 1, 0]) {
    await Promise.all(children.filter((c) => c.tier === tier).map(({ child }) => stop(child)));
  }
  process.exit(code);
}

process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));

try {
  await main();
} catch (error) {
  log('could not start', { error: error instanceof Error ? error.message : String(error) });
  await shutdown(1);
}

async function main(): Promise<void> {
  const natsUrl = await ensureNats();
  const databaseUrl = await ensurePostgres();
  const realVendors = Boolean(env.OKTA_API_TOKEN && env.JIRA_API_TOKEN && env.SLACK_BOT_TOKEN);
  const simUrl = `http://127.0.0.1:${env.VENDOR_SIM_PORT}`;
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
  if (!realVendors) {
    startChild(
      'vendor-sim',
      'tools/vendor-sim/src/main.ts',
      {
        VENDOR_SIM_PORT: String(env.VENDOR_SIM_PORT),
        VENDOR_SIM_HOST: '127.0.0.1',
      },
      1,
    );
    await waitUntil('vendor simulator', () => httpUp(`${simUrl}/_sim/health`));
  }
  for (const service of services) {
    startChild(
      service.name,
      `apps/${service.name}/src/main.ts`,
      {
        // Local mode is what allows the simulator, the demo key and the generated secrets below.
        JIT_MODE: 'local',
        NATS_URL: natsUrl,
        DATABASE_URL: databaseUrl,
        JIT_DEMO_API_KEY: env.JIT_DEMO_API_KEY,
        SLACK_SIGNING_SECRET: env.SLACK_SIGNING_SECRET,
        ...vendorEnv,
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
  process.stdout.write(
    [
      '',
      'LOCAL MODE: simulator, demo key, generated secrets — never expose',
      '',
      'JIT Access is running.',
      ...Object.entries(urls).map(([name, url]) => `  ${name.padEnd(12)} ${url}`),
      realVendors ? '  vendors      real Okta, Jira and Slack' : `  vendor-sim   ${simUrl}  (Okta, Jira, Slack simulator)`,
      `  demo API key ${env.JIT_DEMO_API_KEY}`,
      '',
      'Try:',
      `  curl -s -H "Authorization: Bearer ${env.JIT_DEMO_API_KEY}" ${urls.intake}/v1/applications`,
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}
