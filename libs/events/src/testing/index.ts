import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { defaultTopology, type Topology } from '../jetstream/topology.js';

/** The NATS server integration tests use. */
export const testNatsUrl = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** The Postgres server integration tests use (a maintenance database on it). */
export const testPostgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * `JIT_TEST_NAMESPACE` keeps two checkouts testing against the same servers at once (two work
 * trees on one machine) out of each other's databases.
 */
const testNamespace = process.env.JIT_TEST_NAMESPACE ? `${process.env.JIT_TEST_NAMESPACE.replace(/[^a-z0-9]/gi, '_')}_` : '';

/** A topology with its own streams and subjects, so test files never see each other's events. */
export function testTopology(name: string): Topology {
  const id = `${name.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(3).toString('hex')}`.toLowerCase();
  return {
    ...defaultTopology,
    stream: `T_${id.toUpperCase()}`,
    prefix: `t_${id}.access`,
    deadLetterStream: `T_${id.toUpperCase()}_DL`,
    deadLetterPrefix: `t_${id}.deadletter`,
    duplicateWindowMs: 2 * 60 * 1000,
  };
}

/** The variables that point a service (or the CLI) at a topology's streams and subjects. */
export function topologyEnv(topology: Topology): Record<string, string> {
  return {
    JETSTREAM_STREAM: topology.stream,
    JETSTREAM_SUBJECT_PREFIX: topology.prefix,
    JETSTREAM_DEADLETTER_STREAM: topology.deadLetterStream,
    JETSTREAM_DEADLETTER_PREFIX: topology.deadLetterPrefix,
  };
}

/** Deletes a test topology's streams. */
export async function deleteTopology(nc: NatsConnection, topology: Topology): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const stream of [topology.stream, topology.deadLetterStream]) {
    await jsm.streams.delete(stream).catch(() => undefined);
  }
}

/** Connects to the test NATS server. */
export function connectTestNats(): Promise<NatsConnection> {
  return connect({ servers: testNatsUrl, name: 'jest' });
}

/**
 * Creates an empty database of its own for one test file and returns its URL. The jest worker id is
 * part of the name: two files that pick the same name never run in the same worker at once, and
 * the set of names stays bounded from run to run.
 */
export async function createTestDatabase(name: string): Promise<string> {
  const database = `jit_test_${testNamespace}${name.replace(/[^a-z0-9]/gi, '_')}_w${process.env.JEST_WORKER_ID ?? '0'}`.toLowerCase();
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(testPostgresUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 50, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
export * from './samples.js';
export * from './nats-server.js';
export * from './stream.js';
export * from './decider-specification.js';
