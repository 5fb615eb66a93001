import { startVendorSim, type VendorSim } from '../../tools/vendor-sim/src/index.js';
import { connectTestNats, createTestDatabase, deleteTopology, testNatsUrl, testTopology } from '@jit/events/testing';
import { startService, type ServiceProcess } from './processes.js';

/** The five services, in start order. */
export const serviceNames = ['intake', 'approval', 'provisioner', 'scheduler', 'audit'] as const;
export type ServiceName = (typeof serviceNames)[number];

/** The demo API key every e2e system accepts. */
export const e2eApiKey = 'e2e-demo-api-key-0123456789';

/** Every service as its own process, against the real NATS, Postgres and the vendor simulator. */
export interface RunningSystem {
  sim: VendorSim;
  urls: Record<ServiceName, string>;
  services: Record<ServiceName, ServiceProcess>;
  stream: string;
  stop(): Promise<void>;
}

/** Starts the whole system with a database and streams of its own. */
export async function startSystem(name: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningSystem> {
  const sim = await startVendorSim({ port: 0 });
  const topology = testTopology(name);
  const env: NodeJS.ProcessEnv = {
    NATS_URL: testNatsUrl,
    DATABASE_URL: await createTestDatabase(name),
    JETSTREAM_STREAM: topology.stream,
    JETSTREAM_SUBJECT_PREFIX: topology.prefix,
    JETSTREAM_DEADLETTER_STREAM: topology.deadLetterStream,
    JETSTREAM_DEADLETTER_PREFIX: topology.deadLetterPrefix,
    CONSUMER_BACKOFF_MS: '200,500,1000',
    // The services announce their URL at info level.
    LOG_LEVEL: 'info',
    OIDC_ISSUER: sim.issuer,
    OIDC_AUDIENCE: sim.audience,
    JIT_DEMO_API_KEY: e2eApiKey,
    OKTA_ORG_URL: sim.url,
    OKTA_API_TOKEN: 'e2e-okta-token',
    JIRA_HOST: sim.url,
    JIRA_EMAIL: 'jit@example.com',
    JIRA_API_TOKEN: 'e2e-jira-token',
    SLACK_BOT_TOKEN: 'xoxb-e2e-token',
    SLACK_SIGNING_SECRET: 'e2e-signing-secret',
    SLACK_API_URL: `${sim.url}/api/`,
    SCHEDULER_TICK_MS: '200',
    REVOKE_TICK_MS: '200',
    ...Object.fromEntries(serviceNames.map((s) => [`${s.toUpperCase()}_PORT`, '0'])),
    ...extraEnv,
  };
  const services = {} as Record<ServiceName, ServiceProcess>;
  try {
    const started = await Promise.all(serviceNames.map((s) => startService(s, env)));
    started.forEach((service, i) => (services[serviceNames[i]] = service));
  } catch (error) {
    await Promise.all(Object.values(services).map((s) => s.terminate()));
    await sim.close();
    throw error;
  }
  const urls = Object.fromEntries(serviceNames.map((s) => [s, services[s].url])) as Record<ServiceName, string>;
  return {
    sim,
    urls,
    services,
    stream: topology.stream,
    async stop() {
      const codes = await Promise.all(Object.values(services).map((s) => s.terminate()));
      await sim.close();
      const nc = await connectTestNats();
      await deleteTopology(nc, topology);
      await nc.close();
      const unclean = serviceNames.filter((_, i) => codes[i] !== 0);
      if (unclean.length) throw new Error(`services exited uncleanly: ${unclean.join(', ')}`);
    },
  };
}

/** A caller of the public APIs: a person with an IdP token, or the demo API key. */
export class ApiClient {
  constructor(
    private readonly system: RunningSystem,
    private readonly authorization?: string,
  ) {}

  /** A client that calls as `login`, with an access token minted by the simulated IdP. */
  static async as(system: RunningSystem, login: string): Promise<ApiClient> {
    const response = await fetch(`${system.sim.url}/_sim/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: login }),
    });
    const { access_token: token } = (await response.json()) as { access_token: string };
    return new ApiClient(system, `Bearer ${token}`);
  }

  /** A client with the demo API key. */
  static apiKey(system: RunningSystem): ApiClient {
    return new ApiClient(system, `Bearer ${e2eApiKey}`);
  }

  /** A client with no credentials, or with the given Authorization header. */
  static raw(system: RunningSystem, authorization?: string): ApiClient {
    return new ApiClient(system, authorization);
  }

  async call(
    service: ServiceName,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.system.urls[service]}${path}`, {
      method,
      headers: {
        ...(this.authorization ? { authorization: this.authorization } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }
}

/** Okta user ids in a group, read through the simulator's Okta API. */
export async function oktaGroupMembers(system: RunningSystem, groupId: string): Promise<string[]> {
  const response = await fetch(`${system.sim.url}/api/v1/groups/${groupId}/users`, {
    headers: { authorization: 'SSWS e2e-okta-token', accept: 'application/json' },
  });
  const users = (await response.json()) as { id: string }[];
  return users.map((u) => u.id);
}

/** A Jira issue, read through the simulator's Jira API. */
export async function jiraIssue(system: RunningSystem, key: string): Promise<{ status: number; fields?: { status: { name: string } } }> {
  const response = await fetch(`${system.sim.url}/rest/api/3/issue/${key}`, {
    headers: { authorization: `Basic ${Buffer.from('jit@example.com:e2e-jira-token').toString('base64')}`, accept: 'application/json' },
  });
  return { status: response.status, ...(response.ok ? ((await response.json()) as object) : {}) };
}
