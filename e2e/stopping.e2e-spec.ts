import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@jit/events/testing';
import { alive, banner, listening, processesNaming, startSupervisor, type Supervisor } from './support/supervisor.js';

// Fixed ports below the kernel's ephemeral range (32768-60999), so no outgoing connection of another test holds one.
const ports = { INTAKE_PORT: 29450, APPROVAL_PORT: 29451, PROVISIONER_PORT: 29452, SCHEDULER_PORT: 29453, AUDIT_PORT: 29454 };
const infrastructure = { EMBEDDED_POSTGRES_PORT: 29460, VENDOR_SIM_PORT: 29461, JIT_NATS_PORT: 29462 };
const everyPort = [...Object.values(ports), ...Object.values(infrastructure)];

function start(dataDir: string): Supervisor {
  return startSupervisor({
    ...Object.fromEntries([...Object.entries(ports), ...Object.entries(infrastructure)].map(([k, v]) => [k, String(v)])),
    JIT_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  });
}

/** Every port closed, every process the supervisor started gone, nothing running on the data folder, no PID file left. */
async function expectNothingLeft(supervisor: Supervisor, dataDir: string, pids: number[]): Promise<void> {
  await supervisor.exited;
  expect(alive(supervisor.child.pid!)).toBe(false);
  for (const pid of pids) await waitFor(() => !alive(pid), { what: `pid ${pid} gone` });
  await waitFor(() => processesNaming(dataDir).length === 0, { what: `no process left on ${dataDir}` });
  for (const port of everyPort) expect(await listening(port)).toBe(false);
  for (const file of ['supervisor.pid', 'nats/nats.pid', 'postgres/postmaster.pid']) expect(existsSync(join(dataDir, file))).toBe(false);
}

/** The supervisor's children and the postmaster, read while they run. */
function runningPids(dataDir: string, supervisor: Supervisor): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const recorded = (JSON.parse(readFileSync(join(dataDir, 'supervisor.pid'), 'utf8')) as { children: { pid: number }[] }).children;
  return [postmaster, ...recorded.map((c) => c.pid), ...supervisor.startedPids()];
}

const intake = `http://127.0.0.1:${ports.INTAKE_PORT}`;
const simulator = `http://127.0.0.1:${infrastructure.VENDOR_SIM_PORT}`;

async function aliceToken(): Promise<string> {
  const response = await fetch(`${simulator}/_sim/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: 'alice@example.com' }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function requestSandbox(token: string): Promise<string> {
  const response = await fetch(`${intake}/v1/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ applicationId: 'demo-sandbox', duration: '1h', justification: 'trying a restart' }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function viewOf(id: string, token: string): Promise<{ status: string }> {
  const response = await fetch(`${intake}/v1/requests/${id}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as { status: string };
}

async function sandboxMembers(): Promise<string[]> {
  const response = await fetch(`${simulator}/api/v1/groups/00g1demosandbox00001/users`, { headers: { authorization: 'SSWS local' } });
  return ((await response.json()) as { profile: { login: string } }[]).map((user) => user.profile.login);
}

/** A fresh data folder, removed after the tests: each holds a Postgres cluster of some 40 MB. */
const dataDirs: string[] = [];
function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jit-stop-'));
  dataDirs.push(dir);
  return dir;
}

describe('stopping npm start', () => {
  afterAll(() => {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('Ctrl-C twice in the terminal stops every service, the simulator, NATS and Postgres, and the next start on the same data folder comes up with the same key, tokens, grants and simulated state', async () => {
    const dataDir = freshDataDir();
    const first = start(dataDir);
    const key = await banner(first);
    const token = await aliceToken();
    const id = await requestSandbox(token);
    await waitFor(async () => (await viewOf(id, token)).status === 'granted', { timeoutMs: 60_000, what: 'the sandbox granted' });
    const pids = runningPids(dataDir, first);
    expect(pids.length).toBeGreaterThanOrEqual(9);

    first.ctrlC();
    first.ctrlC();
    await expectNothingLeft(first, dataDir, pids);
    const stopping = first.output().indexOf('"msg":"stopping');
    expect(stopping).toBeGreaterThan(0);
    expect(first.output()).not.toContain('forcing the stop');

    const second = start(dataDir);
    try {
      expect(await banner(second)).toBe(key);
      const response = await fetch(`http://127.0.0.1:${ports.INTAKE_PORT}/v1/applications`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(response.status).toBe(200);
      // The token minted before the restart, the grant it made, and the Okta membership behind it, all as they were.
      expect(await viewOf(id, token)).toMatchObject({ status: 'granted' });
      expect(await sandboxMembers()).toEqual(['alice@example.com']);
    } finally {
      second.ctrlC();
    }
    await expectNothingLeft(second, dataDir, []);
  }, 300_000);

  it('a second Ctrl-C while a service hangs in its shutdown kills what is left, NATS and Postgres included, and removes their PID files', async () => {
    const dataDir = freshDataDir();
    const supervisor = start(dataDir);
    await banner(supervisor);
    const pids = runningPids(dataDir, supervisor);
    const scheduler = Number(/"msg":"started scheduler","pid":(\d+)/.exec(supervisor.output())![1]);
    // A stopped process cannot act on SIGTERM: the graceful stop waits for it.
    process.kill(scheduler, 'SIGSTOP');

    supervisor.ctrlC();
    await waitFor(() => supervisor.output().includes('"msg":"stopping'), { what: 'the supervisor stopping' });
    // A person presses Ctrl-C again a moment later; within a second it would be npm's echo of the first.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(alive(scheduler)).toBe(true);
    supervisor.ctrlC();

    await expectNothingLeft(supervisor, dataDir, pids);
    expect(supervisor.output()).toContain('forcing the stop');
  }, 300_000);

  it('a Ctrl-C during start-up stops what had started and starts nothing more, and the next start comes up', async () => {
    const dataDir = freshDataDir();
    const supervisor = start(dataDir);
    // Postgres' first initdb runs now, in the middle of start-up.
    await waitFor(() => supervisor.output().includes('started nats-server'), { timeoutMs: 60_000, what: 'nats-server started' });
    supervisor.ctrlC();
    await expectNothingLeft(supervisor, dataDir, supervisor.startedPids());
    expect(supervisor.output()).not.toContain('demo API key');
    expect(supervisor.output()).not.toContain('started intake');

    const again = start(dataDir);
    try {
      await banner(again);
    } finally {
      again.ctrlC();
    }
    await expectNothingLeft(again, dataDir, []);
  }, 300_000);

  it('a start after a crash removes PID files naming dead processes, saying so, and refuses while another start runs on the folder', async () => {
    const dataDir = freshDataDir();
    mkdirSync(join(dataDir, 'nats'), { recursive: true });
    // What a SIGKILLed supervisor leaves: its own record and nats-server's PID file, naming processes long gone.
    const dead = 2 ** 22 - 7;
    writeFileSync(
      join(dataDir, 'supervisor.pid'),
      JSON.stringify({ pid: dead, children: [{ name: 'nats-server', pid: dead, command: 'nats-server' }] }),
    );
    writeFileSync(join(dataDir, 'nats', 'nats.pid'), String(process.pid));
    const supervisor = start(dataDir);
    try {
      await banner(supervisor);
      expect(supervisor.output()).toContain('removed the PID file of an earlier `npm start` that did not stop cleanly');
      expect(supervisor.output()).toMatch(/removed a stale PID file: pid \d+ no longer runs nats-server/);

      const second = start(dataDir);
      await second.exited;
      expect(second.child.exitCode).not.toBe(0);
      expect(second.output()).toContain(`\`npm start\` already runs with the data folder ${dataDir}`);
      // The refusal touched nothing of the running one.
      expect(existsSync(join(dataDir, 'supervisor.pid'))).toBe(true);
      expect(await listening(ports.INTAKE_PORT)).toBe(true);
    } finally {
      supervisor.ctrlC();
    }
    await expectNothingLeft(supervisor, dataDir, []);
  }, 300_000);

  it('a start after the supervisor was killed stops the services, NATS and Postgres it left running, and comes up', async () => {
    const dataDir = freshDataDir();
    const crashed = start(dataDir);
    await banner(crashed);
    const orphans = runningPids(dataDir, crashed);
    const supervisorPid = (JSON.parse(readFileSync(join(dataDir, 'supervisor.pid'), 'utf8')) as { pid: number }).pid;
    // What `kill -9`, the out-of-memory killer or a closed laptop lid leaves: children nobody will stop.
    process.kill(supervisorPid, 'SIGKILL');
    await crashed.exited;
    expect(orphans.filter(alive).length).toBeGreaterThan(0);

    const next = start(dataDir);
    try {
      await banner(next);
      expect(next.output()).toMatch(/stopping nats-server \(pid \d+\), left running by an earlier `npm start`/);
      for (const pid of orphans) expect(alive(pid)).toBe(false);
    } finally {
      next.ctrlC();
    }
    await expectNothingLeft(next, dataDir, []);
  }, 300_000);
});
