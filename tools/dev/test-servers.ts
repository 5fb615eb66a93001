// The NATS and Postgres a test run talks to: the ones already answering, or its own, started for the
// run on free ports and removed afterwards, so `npm test` works on a machine with neither running.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@jit/events/testing';

const root = resolve(import.meta.dirname, '../..');

/** The servers a test run uses, and how to remove the ones it started. */
export interface TestServers {
  natsUrl: string;
  postgresUrl: string;
  /** What this run started itself (`nats-server`, `postgres`); empty when both were already answering. */
  started: string[];
  /** The started servers' process ids. */
  pids: number[];
  /** The folder holding the started servers' data, removed by `stop`; undefined when nothing was started. */
  dataDir?: string;
  /** Stops what this run started and removes its data; leaves servers it found alone. */
  stop(): Promise<void>;
}

/** Raised when a server is needed and cannot be had; its message is the one line a person needs. */
export class TestServerError extends Error {
  override name = 'TestServerError';
}

/** Whether something accepts TCP connections at the URL's host and port. */
export function answers(url: string, defaultPort: number, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url.replace(/^[a-z]+:/, 'http:'));
  return new Promise((done) => {
    const socket = tcpConnect({ host: hostname, port: Number(port || defaultPort), timeout: timeoutMs });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.once('connect', () => finish(true));
    socket.once('timeout', () => finish(false));
    socket.once('error', () => finish(false));
  });
}

async function until(what: string, probe: () => Promise<boolean>, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (child.exitCode !== null) throw new TestServerError(`${what} exited with code ${child.exitCode} before it answered`);
    if (Date.now() > deadline) throw new TestServerError(`${what} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(killer);
}

/**
 * Uses the NATS and Postgres at the given URLs when they answer; otherwise starts `nats-server`
 * (from the PATH, with JetStream) and an embedded Postgres on free ports, with their data in one
 * temporary folder. When no NATS answers and `nats-server` cannot be run, fails at once saying how
 * to install it.
 */
export async function provideTestServers(
  wanted: { natsUrl: string; postgresUrl: string },
  options: { natsServer?: string } = {},
): Promise<TestServers> {
  const children: { name: string; child: ChildProcess }[] = [];
  let dataDir: string | undefined;
  const dataFolder = () => (dataDir ??= mkdtempSync(join(tmpdir(), 'jit-test-servers-')));
  const stop = async () => {
    for (const { child } of children.reverse()) await stopChild(child);
    if (dataDir && existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const natsUrl = (await answers(wanted.natsUrl, 4222)) ? wanted.natsUrl : await startNats(options.natsServer ?? 'nats-server');
    const postgresUrl = (await answers(wanted.postgresUrl, 5432)) ? wanted.postgresUrl : await startPostgres();
    return {
      natsUrl,
      postgresUrl,
      started: children.map((c) => c.name),
      pids: children.map((c) => c.child.pid!),
      dataDir,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }

  async function startNats(command: string): Promise<string> {
    const port = await freePort();
    const child = spawn(command, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dataFolder(), 'nats')], { stdio: 'ignore' });
    const missing = await new Promise<boolean>((settled) => {
      child.once('spawn', () => settled(false));
      child.once('error', () => settled(true));
    });
    if (missing) {
      throw new TestServerError(
        `no NATS answers at ${wanted.natsUrl} and ${command} is not installed: install it (Debian/Ubuntu: apt-get install nats-server; macOS: brew install nats-server) or set TEST_NATS_URL`,
      );
    }
    children.push({ name: 'nats-server', child });
    const url = `nats://127.0.0.1:${port}`;
    await until('nats-server', () => answers(url, 4222), child, 10_000);
    return url;
  }

  async function startPostgres(): Promise<string> {
    const port = await freePort();
    // As root, the embedded Postgres runs as the `postgres` user, who must be able to reach its data.
    chmodSync(dataFolder(), 0o755);
    const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'tools/dev/postgres.ts'], {
      cwd: root,
      env: { ...process.env, EMBEDDED_POSTGRES_DIR: join(dataFolder(), 'postgres', 'data'), EMBEDDED_POSTGRES_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push({ name: 'postgres', child });
    let output = '';
    await new Promise<void>((ready, failed) => {
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready')) ready();
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) =>
        failed(new TestServerError(`the embedded Postgres exited with code ${code}: ${output.trim().slice(-500)}`)),
      );
    });
    return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }
}
