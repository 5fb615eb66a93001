import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { jetstream } from '@nats-io/jetstream';
import { connect, nkeys, type NatsConnection } from '@nats-io/transport-node';
import { SystemClock, createEvent, inboxPrefixOf, natsAuthorizationBlock, subjectFor } from '@jit/events';
import { PrivateNatsServer, createTestDatabase, eventsOf, sampleData, testTopology, waitFor } from '@jit/events/testing';
import { ConfigError, createService } from '@jit/platform';
import { testServiceEnv } from '@jit/platform/testing';
import { schedulerService } from '../src/service.js';
import { compiledPath } from '../../../tools/dev/node-options.js';

const topology = testTopology('scheduler_bus_user');
const passwords = {
  scheduler: randomBytes(12).toString('hex'),
  provisioner: randomBytes(12).toString('hex'),
  admin: randomBytes(12).toString('hex'),
};

describe('the scheduler on an authenticated bus', () => {
  let server: PrivateNatsServer;
  let admin: NatsConnection;
  let provisioner: NatsConnection;
  let databaseUrl: string;

  beforeAll(async () => {
    const credentials = Object.fromEntries(Object.entries(passwords).map(([user, password]) => [user, { password }]));
    server = await PrivateNatsServer.start({ config: natsAuthorizationBlock(topology, credentials) });
    admin = await connect({ servers: server.url, user: 'admin', pass: passwords.admin });
    provisioner = await connect({
      servers: server.url,
      user: 'provisioner',
      pass: passwords.provisioner,
      inboxPrefix: inboxPrefixOf('provisioner'),
    });
    databaseUrl = await createTestDatabase('scheduler_bus_user');
  });

  afterAll(async () => {
    await provisioner?.close();
    await admin?.close();
    await server?.stop();
  });

  const env = (password: string) =>
    testServiceEnv(schedulerService, databaseUrl, topology, { NATS_URL: server.url, NATS_USER: 'scheduler', NATS_PASSWORD: password });

  it("logged in as its own user, it hears the provisioner's grant and publishes the expiry it owns", async () => {
    const service = await createService(schedulerService, env(passwords.scheduler));
    try {
      const requestId = randomUUID();
      const granted = createEvent(
        {
          type: 'granted',
          data: { ...sampleData.granted, grantedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 300).toISOString() },
        },
        { requestId, actor: 'service:provisioner' },
        new SystemClock(),
      );
      await jetstream(provisioner).publish(subjectFor(topology, 'granted'), JSON.stringify(granted), { msgID: granted.id });
      const expired = await waitFor(async () => (await eventsOf(admin, topology, 'expired', requestId)).at(0), {
        what: 'the expired event',
      });
      expect(expired.data.expiresAt).toBe(granted.data.expiresAt);
    } finally {
      await service.stop();
    }
  });

  it('refuses to start with a wrong password, saying the bus refused its user', async () => {
    const started = createService(schedulerService, env('not-the-password'));
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(
      `NATS at ${server.url} refused scheduler's login with user "scheduler" (NATS_USER/NATS_PASSWORD)`,
    );
  });

  it('as a process, exits 1 with that message when the bus refuses its password', async () => {
    const run = promisify(execFile)(process.execPath, [compiledPath('apps/scheduler/src/main.ts')], {
      cwd: new URL('../../..', import.meta.url).pathname,
      env: { ...process.env, ...env('not-the-password') },
      timeout: 60_000,
    });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`refused scheduler's login with user "scheduler"`),
    });
    await expect(run).rejects.toMatchObject({ stderr: expect.not.stringContaining('not-the-password') });
  });

  it('refuses to start without credentials on a bus that requires them, naming the variables to set', async () => {
    const { NATS_USER: _user, NATS_PASSWORD: _password, ...anonymous } = env(passwords.scheduler);
    await expect(createService(schedulerService, anonymous)).rejects.toThrow(
      /no credentials \(set NATS_USER and NATS_PASSWORD, or NATS_NKEY_SEED\)/,
    );
  });
});

describe('the scheduler logging in with an nkey', () => {
  it('starts with NATS_NKEY_SEED and creates its consumer as the user the public key names', async () => {
    const user = nkeys.createUser();
    const nkeyTopology = testTopology('scheduler_nkey');
    const server = await PrivateNatsServer.start({
      config: natsAuthorizationBlock(nkeyTopology, { scheduler: { nkey: user.getPublicKey() } }),
    });
    try {
      const env = testServiceEnv(schedulerService, await createTestDatabase('scheduler_nkey'), nkeyTopology, {
        NATS_URL: server.url,
        NATS_NKEY_SEED: new TextDecoder().decode(user.getSeed()),
      });
      const service = await createService(schedulerService, env);
      try {
        expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
      } finally {
        await service.stop();
      }
    } finally {
      await server.stop();
    }
  });
});
