import { createServer, type Server } from 'node:net';
import pg from 'pg';
import { PgListener, poolOptions } from '@jit/events';
import { waitFor } from '@jit/events/testing';
import type { DataSource } from 'typeorm';

/** One backend message: its type byte, then its length (itself included) and body. */
function message(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([Buffer.from(type), length, body]);
}

/**
 * What a backend sends when Postgres shuts down (fast) just as a session has been set up: the
 * session's ReadyForQuery and its FATAL 57P01, read by the client in one chunk. Seen in CI when
 * Postgres restarted under services that were reconnecting.
 */
const readyThenTerminated = Buffer.concat([
  message('R', Buffer.from([0, 0, 0, 0])),
  message('Z', Buffer.from('I')),
  message(
    'E',
    Buffer.concat([
      ...[
        ['S', 'FATAL'],
        ['V', 'FATAL'],
        ['C', '57P01'],
        ['M', 'terminating connection due to administrator command'],
      ].map(([field, value]) => Buffer.from(`${field}${value}\0`)),
      Buffer.from([0]),
    ]),
  ),
]);

// A server that answers every connection's start-up message with the bytes above, then hangs up.
describe('a Postgres session ended in the same read that set it up', () => {
  let server: Server;
  let url: string;
  const crashes: Error[] = [];
  const onCrash = (error: Error): void => void crashes.push(error);

  beforeAll(async () => {
    server = createServer((socket) => {
      socket.once('data', () => socket.end(readyThenTerminated));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `postgres://jit@127.0.0.1:${(server.address() as { port: number }).port}/jit`;
    process.on('uncaughtException', onCrash);
  });

  afterEach(() => expect(crashes.splice(0)).toEqual([]));

  afterAll(async () => {
    process.off('uncaughtException', onCrash);
    await new Promise((resolve) => server.close(resolve));
  });

  it('a LISTEN connection reports that it cannot listen, and the process lives on', async () => {
    const dataSource = { options: { url, schema: 'svc' } } as unknown as DataSource;
    const listener = new PgListener(dataSource, 'svc_work', () => undefined);
    expect(await listener.listen()).toBe(false);
    await listener.close();
  });

  it('a pool connection handed to a caller that listens a moment later (as TypeORM does) fails that caller only', async () => {
    const pool = new pg.Pool({ connectionString: url, ...poolOptions(1) });
    pool.on('error', () => undefined);
    const handed = new Promise<pg.PoolClient>((resolve, reject) =>
      pool.connect((error, client) => (error ? reject(error) : void Promise.resolve().then(() => resolve(client!)))),
    );
    const client = await handed;
    await waitFor(
      async () =>
        await client.query('SELECT 1').then(
          () => false,
          () => true,
        ),
      { what: 'the session to be unusable' },
    );
    client.release(true);
    await pool.end();
  });
});
