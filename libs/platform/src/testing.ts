import type { Clock, Topology } from '@jit/events';
import { createTestDatabase, testNatsUrl, testTopology, topologyEnv } from '@jit/events/testing';
import { createService, type RunningService, type ServiceDefinition } from './service.js';

/** The environment of a service under test: its own database and streams, a random port. */
export function testServiceEnv(
  definition: ServiceDefinition,
  databaseUrl: string,
  topology: Topology,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    // Tests use the simulator (plain HTTP) and fixture secrets, which only local mode accepts.
    JIT_MODE: 'local',
    NATS_URL: testNatsUrl,
    DATABASE_URL: databaseUrl,
    ...topologyEnv(topology),
    CONSUMER_BACKOFF_MS: '200,500,1000',
    LOG_LEVEL: 'warn',
    // Tests poll every 50 ms with one key; a test of the limit sets its own.
    RATE_LIMIT_MAX: '0',
    [`${definition.name.toUpperCase()}_PORT`]: '0',
    ...extra,
  };
}

/** Starts a service in-process against the real NATS and Postgres, with a fresh database and streams. */
export async function startTestService(
  definition: ServiceDefinition,
  options: { name?: string; env?: NodeJS.ProcessEnv; clock?: Clock; topology?: Topology; databaseUrl?: string } = {},
): Promise<RunningService & { topology: Topology; databaseUrl: string }> {
  const name = options.name ?? definition.name;
  const topology = options.topology ?? testTopology(name);
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase(name));
  const service = await createService(definition, testServiceEnv(definition, databaseUrl, topology, options.env), { clock: options.clock });
  return { ...service, topology, databaseUrl };
}
export * from './openapi/testing.js';
