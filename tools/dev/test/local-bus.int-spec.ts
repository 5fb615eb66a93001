import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, errors } from '@nats-io/transport-node';
import { busUsers, inboxPrefixOf } from '@jit/events';
import { waitFor } from '@jit/events/testing';
import { localPort, startLocalBus, type LocalBus } from '../local-bus.js';
import { clearStalePidFile } from '../pid-files.js';

describe('the local bus of npm start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jit-local-bus-'));
  let bus: LocalBus;

  beforeAll(async () => {
    bus = startLocalBus({ dir, port: await localPort(0) });
    await waitFor(
      () =>
        connect({ servers: bus.url, user: 'admin', pass: bus.passwords.admin, reconnect: false }).then((nc) => nc.close().then(() => true)),
      {
        what: 'the local nats-server',
      },
    );
  });

  afterAll(() => {
    if (bus.child.exitCode === null) bus.child.kill('SIGTERM');
  });

  it('lets each user in with its own generated password, and nobody without one', async () => {
    for (const user of busUsers) {
      const nc = await connect({ servers: bus.url, user, pass: bus.passwords[user], inboxPrefix: inboxPrefixOf(user), reconnect: false });
      await nc.close();
    }
    await expect(connect({ servers: bus.url, reconnect: false })).rejects.toBeInstanceOf(errors.AuthorizationError);
    await expect(connect({ servers: bus.url, user: 'intake', pass: bus.passwords.approval, reconnect: false })).rejects.toBeInstanceOf(
      errors.AuthorizationError,
    );
    expect(new Set(Object.values(bus.passwords)).size).toBe(busUsers.length + 1);
  });

  it('keeps the passwords in files only their owner can read', () => {
    for (const file of ['nats.conf', 'cli.env']) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
  });

  it('keeps the pid file of a server left running on the data directory, and removes it once the server is gone', async () => {
    const pidFile = join(dir, 'nats.pid');
    expect(clearStalePidFile(pidFile, 'nats-server')).toEqual({ state: 'running', pid: bus.child.pid });
    expect(existsSync(pidFile)).toBe(true);
    const exited = new Promise((resolve) => bus.child.once('exit', resolve));
    bus.child.kill('SIGTERM');
    await exited;
    // nats-server leaves its pid file behind when it stops.
    expect(clearStalePidFile(pidFile, 'nats-server')).toEqual({ state: 'cleared', pid: bus.child.pid });
    expect(existsSync(pidFile)).toBe(false);
    // A pid file naming a live process that is no nats-server (this one): the pid went to another program.
    writeFileSync(pidFile, String(process.pid));
    expect(clearStalePidFile(pidFile, 'nats-server')).toEqual({ state: 'cleared', pid: process.pid });
    expect(existsSync(pidFile)).toBe(false);
  });
});
