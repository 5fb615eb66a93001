import { existsSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { answers, provideTestServers } from '../test-servers.js';

/** A URL at which nothing listens (port 1 is never a test server). */
const closed = { natsUrl: 'nats://127.0.0.1:1', postgresUrl: 'postgres://postgres@127.0.0.1:1/postgres' };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the test run provides its own NATS and Postgres when none answers', () => {
  it('starts both on free ports, serves a real connection to each, and leaves no process or folder behind', async () => {
    const servers = await provideTestServers(closed);
    try {
      expect(servers.started).toEqual(['nats-server', 'postgres']);
      const nc = await connect({ servers: servers.natsUrl });
      await nc.flush();
      await nc.close();
      const db = new pg.Client({ connectionString: servers.postgresUrl });
      await db.connect();
      expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await db.end();
    } finally {
      await servers.stop();
    }

    expect(await answers(servers.natsUrl, 4222)).toBe(false);
    expect(await answers(servers.postgresUrl, 5432)).toBe(false);
    expect(servers.pids.filter(alive)).toEqual([]);
    expect(existsSync(servers.dataDir!)).toBe(false);
  }, 60_000);

  it('uses servers that already answer and starts nothing', async () => {
    const servers = await provideTestServers({ natsUrl: process.env.TEST_NATS_URL!, postgresUrl: process.env.TEST_DATABASE_URL! });

    expect(servers).toMatchObject({ started: [], dataDir: undefined });
    await servers.stop();
    expect(await answers(servers.natsUrl, 4222)).toBe(true);
  });

  it('fails saying how to install it, starting nothing, when no NATS answers and nats-server is missing', async () => {
    await expect(provideTestServers(closed, { natsServer: 'nats-server-not-installed' })).rejects.toThrow(
      /no NATS answers at nats:\/\/127\.0\.0\.1:1 and nats-server-not-installed is not installed: install it/,
    );
  });
});
