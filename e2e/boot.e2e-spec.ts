import { connectTestNats, createTestDatabase, deleteTopology, testNatsUrl, testTopology, topologyEnv, waitFor } from '@jit/events/testing';
import { runToExit, startService } from './support/processes.js';

const services = ['intake', 'approval', 'provisioner', 'scheduler', 'audit'];

describe('every service as a process', () => {
  const topology = testTopology('boot');
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = {
      // Plain-HTTP vendor URLs and fixture tokens: local mode only.
      JIT_MODE: 'local',
      NATS_URL: testNatsUrl,
      DATABASE_URL: await createTestDatabase('boot'),
      ...topologyEnv(topology),
      LOG_LEVEL: 'info',
      OKTA_ORG_URL: 'http://127.0.0.1:9',
      OKTA_API_TOKEN: 'boot-okta-token',
      JIRA_HOST: 'http://127.0.0.1:9',
      JIRA_EMAIL: 'jit@example.com',
      JIRA_API_TOKEN: 'boot-jira-token',
      ...Object.fromEntries(services.map((s) => [`${s.toUpperCase()}_PORT`, '0'])),
    };
  });

  afterAll(async () => {
    const nc = await connectTestNats();
    await deleteTopology(nc, topology);
    await nc.close();
  });

  it.each(services)('%s boots, answers /healthz and /readyz, serves /metrics and exits cleanly on SIGTERM', async (name) => {
    const service = await startService(name, env);
    try {
      const health = await fetch(`${service.url}/healthz`);
      expect(health.status).toBe(200);
      const ready = await waitFor(
        async () => {
          const response = await fetch(`${service.url}/readyz`);
          return response.status === 200 && response.json();
        },
        { what: `${name} ready` },
      );
      expect(ready).toEqual({ status: 'ready', checks: { nats: true, postgres: true, migrations: true, stopping: false } });
      const metrics = await fetch(`${service.url}/metrics`);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await metrics.text()).toMatch(/^process_cpu_seconds_total/m);
    } finally {
      expect(await service.terminate()).toBe(0);
    }
    expect(service.output()).toMatch(new RegExp(`"msg":"${name} stopped"`));
  });

  it('a bad configuration stops the process with a message naming the variable', async () => {
    const result = await runToExit('intake', {
      ...env,
      NATS_URL: 'nats://127.0.0.1:4222',
      CONSUMER_BACKOFF_MS: 'soon',
      INTAKE_PORT: 'eighty',
    });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/invalid configuration for intake: .*CONSUMER_BACKOFF_MS: expected comma-separated milliseconds/);
    expect(result.output).toMatch(/INTAKE_PORT/);
  });
});
