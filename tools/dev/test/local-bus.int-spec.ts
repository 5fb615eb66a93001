import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, errors } from '@nats-io/transport-node';
import { busUsers, inboxPrefixOf } from '@jit/events';
import { waitFor } from '@jit/events/testing';
import { leftoverBus, localPort, startLocalBus, type LocalBus } from '../local-bus.js';

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

  it('tells a server left running on the data directory from a stale pid file', async () => {
    expect(leftoverBus(dir)).toBe(bus.child.pid);
    const exited = new Promise((resolve) => bus.child.once('exit', resolve));
    bus.child.kill('SIGTERM');
    await exited;
    expect(leftoverBus(dir)).toBeUndefined();
    // A pid file naming a live process that is no nats-server (this one).
    writeFileSync(join(dir, 'nats.pid'), String(process.pid));
    expect(leftoverBus(dir)).toBeUndefined();
  });
});
