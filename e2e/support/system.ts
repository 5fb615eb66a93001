import { startVendorSim, type VendorSim, type VendorSimOptions } from '../../tools/vendor-sim/src/index.js';
import { connect } from '@nats-io/transport-node';
import type { Topology } from '@jit/events';
import { createTestDatabase, deleteTopology, testNatsUrl, testTopology, topologyEnv, waitFor } from '@jit/events/testing';
import { startService, type ServiceProcess } from './processes.js';

/** The five services, in start order. */
export const serviceNames = ['intake', 'approval', 'provisioner', 'scheduler', 'audit'] as const;
export type ServiceName = (typeof serviceNames)[number];

/** The demo API key every e2e system accepts. */
export const e2eApiKey = 'e2e-demo-api-key-0123456789';

/** How a system is put together beyond its environment. */
export interface SystemOptions {
  /** The NATS server the services use; the shared test server unless a test brings its own. */
  natsUrl?: string;
  /** The database the services use; a fresh one on the shared test Postgres unless a test brings its own. */
  databaseUrl?: string;
  /** Processes per service; one unless told. */
  replicas?: Partial<Record<ServiceName, number>>;
  /** How the vendor simulator starts (generated people, say). */
  sim?: Omit<VendorSimOptions, 'port'>;
}

/** Every service as its own process, against the real NATS, Postgres and the vendor simulator. */
export interface RunningSystem {
  sim: VendorSim;
  /** One live replica's URL per service, updated as replicas are killed and started. */
  urls: Record<ServiceName, string>;
  /** The first replica each service started with. */
  services: Record<ServiceName, ServiceProcess>;
  /** Every live replica of each service, oldest first. */
  replicas: Record<ServiceName, ServiceProcess[]>;
  stream: string;
  topology: Topology;
  natsUrl: string;
  /** The environment every service was started with. */
  env: NodeJS.ProcessEnv;
  /** Kills one replica with SIGKILL, as a crash or the OOM killer would, and waits until it is gone. */
  kill(name: ServiceName, replica?: ServiceProcess): Promise<void>;
  /** Starts one more replica of a service, with `env` on top of the system's environment. */
  start(name: ServiceName, env?: NodeJS.ProcessEnv): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/** Starts the whole system with a database and streams of its own. */
export async function startSystem(name: string, extraEnv: NodeJS.ProcessEnv = {}, options: SystemOptions = {}): Promise<RunningSystem> {
  const sim = await startVendorSim({ ...options.sim, port: 0 });
  const topology = testTopology(name);
  const natsUrl = options.natsUrl ?? testNatsUrl;
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase(name));
  const env: NodeJS.ProcessEnv = {
    // The simulator (plain HTTP) and the fixture secrets below are accepted in local mode only.
    JIT_MODE: 'local',
    AUDITORS: 'dave@example.com',
    NATS_URL: natsUrl,
    DATABASE_URL: databaseUrl,
    ...topologyEnv(topology),
    CONSUMER_BACKOFF_MS: '200,500,1000',
    // The services announce their URL at info level.
    LOG_LEVEL: 'info',
    OIDC_ISSUER: sim.issuer,
    OIDC_AUDIENCE: sim.audience,
    JIT_DEMO_API_KEY: e2eApiKey,
    // The tests poll every 50 ms through one key: far past any per-caller limit a deployment would set.
    RATE_LIMIT_MAX: '0',
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
  const replicas = Object.fromEntries(serviceNames.map((s) => [s, [] as ServiceProcess[]])) as Record<ServiceName, ServiceProcess[]>;
  const urls = {} as Record<ServiceName, string>;
  const start = async (service: ServiceName, more: NodeJS.ProcessEnv = {}): Promise<ServiceProcess> => {
    const started = await startService(service, { ...env, ...more });
    replicas[service].push(started);
    urls[service] = replicas[service][0].url;
    return started;
  };
  const terminateAll = (): Promise<(number | null)[]> => Promise.all(serviceNames.flatMap((s) => replicas[s]).map((p) => p.terminate()));
  try {
    await Promise.all(serviceNames.flatMap((s) => Array.from({ length: options.replicas?.[s] ?? 1 }, () => start(s))));
  } catch (error) {
    await terminateAll();
    await sim.close();
    throw error;
  }
  const services = Object.fromEntries(serviceNames.map((s) => [s, replicas[s][0]])) as Record<ServiceName, ServiceProcess>;
  return {
    sim,
    urls,
    services,
    replicas,
    stream: topology.stream,
    topology,
    natsUrl,
    env,
    start,
    async kill(service, replica = replicas[service][0]) {
      await replica.kill();
      replicas[service].splice(replicas[service].indexOf(replica), 1);
      if (replicas[service].length > 0) urls[service] = replicas[service][0].url;
    },
    async stop() {
      const live = serviceNames.flatMap((s) => replicas[s]);
      const codes = await terminateAll();
      await sim.close();
      const nc = await connect({ servers: natsUrl, name: 'jest' });
      await deleteTopology(nc, topology);
      await nc.close();
      const unclean = live.map((p, i) => ({ p, code: codes[i] })).filter(({ code }) => code !== 0);
      if (unclean.length) {
        // What each one said last: the reason it died is there, and nowhere else once the test ends.
        const tails = unclean.map(({ p, code }) => `--- ${p.name} (exit ${code ?? p.child.signalCode}) ---\n${lastLines(p.output(), 60)}`);
        throw new Error(`services exited uncleanly: ${[...new Set(unclean.map(({ p }) => p.name))].join(', ')}\n${tails.join('\n')}`);
      }
    },
  };
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
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

/** What a service's `/readyz` says of its NATS, Postgres and migrations; undefined when it does not answer. */
export async function readiness(system: RunningSystem, name: ServiceName): Promise<Record<string, boolean> | undefined> {
  try {
    // A process that stopped answering (hung, or its event loop blocked) reports nothing, rather than holding the caller.
    const response = await fetch(`${system.urls[name]}/readyz`, { signal: AbortSignal.timeout(3000) });
    return ((await response.json()) as { checks: Record<string, boolean> }).checks;
  } catch {
    return undefined;
  }
}

/** Waits until every service's `/readyz` reports `check` as `value`: every process noticed an outage, or its end. */
export async function waitForEveryService(
  system: RunningSystem,
  check: 'nats' | 'postgres',
  value: boolean,
  timeoutMs = 30_000,
): Promise<void> {
  let lagging: string[] = [];
  await waitFor(
    async () => {
      const all = await Promise.all(serviceNames.map(async (s) => ({ s, checks: await readiness(system, s) })));
      lagging = all
        .filter(({ checks }) => checks?.[check] !== value)
        .map(({ s, checks }) => `${s} ${checks ? JSON.stringify(checks) : 'not answering'}`);
      return lagging.length === 0;
    },
    { timeoutMs, intervalMs: 100, what: `every service to report ${check} ${value ? 'up' : 'down'}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; still: ${lagging.join(', ')}`);
  });
}
