import { natsAuthorizationBlock } from '@jit/events';
import { PrivateNatsServer, createTestDatabase, testTopology, topologyEnv, waitFor } from '@jit/events/testing';
import { startService, type ServiceProcess } from './support/processes.js';

/**
 * A service whose bus login is refused for good (a revoked or rotated credential) exits, so that the
 * supervisor or the orchestrator starts it again, instead of staying up, not ready, and taking no work.
 * An outage of the server alone is ridden out: the client reconnects for as long as it takes.
 */
describe('a service that loses the bus for good', () => {
  const topology = testTopology('bus-lost');
  const authorization = (password: string) => natsAuthorizationBlock(topology, { scheduler: { password } });
  let server: PrivateNatsServer;
  let scheduler: ServiceProcess | undefined;

  beforeAll(async () => {
    server = await PrivateNatsServer.start({ config: authorization('first-password') });
  });
  afterAll(async () => {
    await scheduler?.kill();
    await server?.stop();
  });

  it('rides out a restart of the server, and exits non-zero naming the cause once its login is refused', async () => {
    scheduler = await startService('scheduler', {
      JIT_MODE: 'local',
      NATS_URL: server.url,
      NATS_USER: 'scheduler',
      NATS_PASSWORD: 'first-password',
      DATABASE_URL: await createTestDatabase('bus-lost'),
      ...topologyEnv(topology),
      SCHEDULER_PORT: '0',
      LOG_LEVEL: 'info',
    });
    const exited = new Promise<number | null>((resolve) => scheduler!.child.once('exit', (code) => resolve(code)));
    const ready = async () => (await fetch(`${scheduler!.url}/readyz`)).ok;
    await waitFor(ready, { timeoutMs: 30_000, what: 'the scheduler ready' });

    // An outage: the same server back with the same users. The service reconnects and is ready again.
    await server.stop();
    await server.restart();
    await waitFor(ready, { timeoutMs: 30_000, what: 'the scheduler ready again after the outage' });
    expect(scheduler.child.exitCode).toBeNull();

    // The scheduler's password is changed on the server: every reconnect is refused.
    server.reconfigure(authorization('second-password'));
    await server.stop();
    await server.restart();
    expect(await exited).toBe(1);
    expect(scheduler.output()).toContain('lost the bus for good');
  }, 120_000);
});
