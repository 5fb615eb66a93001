import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SystemClock, createEvent, subjectFor, type AccessEvent, type EventDraft, type EventType, type Topology } from '@jit/events';
import { connectTestNats, createTestDatabase, deleteTopology, streamEvents, testTopology, waitFor } from '@jit/events/testing';
import { startTestService, testServiceEnv } from '@jit/platform/testing';
import { intakeService } from '../../src/service.js';
import { compiledPath } from '../../../../tools/dev/node-options.js';

/** The demo API key the tests authenticate with. */
export const API_KEY = 'intake-test-key-0123456789';

/** Headers of a call made with the demo API key on behalf of a person. */
export function asApiKey(onBehalfOf?: string): Record<string, string> {
  return { authorization: `Bearer ${API_KEY}`, ...(onBehalfOf ? { 'on-behalf-of': onBehalfOf } : {}) };
}

/** An HTTP answer: status and parsed JSON body. */
export interface Answer<B = any> {
  status: number;
  body: B;
}

/** A running intake service with what its tests need around it. */
export interface IntakeHarness {
  url: string;
  /** Where `/metrics` is served: its own port with `METRICS_PORT`, else the API's. */
  metricsUrl: string;
  /** The test database and streams, for a second instance of intake over the same ones. */
  databaseUrl: string;
  topology: Topology;
  app: INestApplication;
  js: JetStreamClient;
  jsm: JetStreamManager;
  dataSource: DataSource;
  call<B = any>(method: string, path: string, options?: { headers?: Record<string, string>; body?: unknown }): Promise<Answer<B>>;
  /** Every event on the test stream once the outbox has published all it holds. */
  publishedEvents(): Promise<AccessEvent[]>;
  /** Publishes an event to the test stream as another service would. */
  publish<T extends EventType>(requestId: string, draft: EventDraft<T>): Promise<AccessEvent<T>>;
  /** Waits until intake's consumer has applied (or skipped) an event. */
  processed(event: AccessEvent): Promise<void>;
  /** How many events of a type intake's consumer has handled with an outcome (`handled`, `not_yet`, ...), from `/metrics`. */
  handledCount(type: EventType, outcome: string): Promise<number>;
  /** How many events are in the dead-letter stream. */
  deadLetters(): Promise<number>;
  /** Polls `GET /v1/requests/:id` until its status is `status`. */
  statusBecomes(id: string, status: string): Promise<any>;
  close(): Promise<void>;
}

/** Starts intake (or a variant of its definition) against the real NATS and Postgres, with its own database and streams. */
export async function startIntake(name: string, env: NodeJS.ProcessEnv = {}, definition = intakeService): Promise<IntakeHarness> {
  const service = await startTestService(definition, { name, env: { JIT_DEMO_API_KEY: API_KEY, ...env } });
  const nc: NatsConnection = await connectTestNats();
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const dataSource = service.app.get(DataSource);
  const { topology } = service;

  const call: IntakeHarness['call'] = async (method, path, options = {}) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  const metricsUrl = service.metricsUrl ?? service.url;

  return {
    url: service.url,
    metricsUrl,
    databaseUrl: service.databaseUrl,
    topology,
    app: service.app,
    js,
    jsm,
    dataSource,
    call,
    async publishedEvents() {
      await waitFor(async () => (await dataSource.query(`SELECT 1 FROM intake.outbox WHERE published_at IS NULL`)).length === 0, {
        what: 'the outbox to drain',
      });
      return streamEvents(nc, topology);
    },
    async publish(requestId, draft) {
      const event = createEvent(draft, { requestId, actor: 'service:test' }, new SystemClock());
      await js.publish(subjectFor(topology, event.type), JSON.stringify(event), { msgID: event.id });
      return event;
    },
    async processed(event) {
      await waitFor(async () => (await dataSource.query(`SELECT 1 FROM intake.inbox WHERE event_id = $1`, [event.id])).length === 1, {
        what: `intake to process ${event.type} ${event.id}`,
      });
    },
    async handledCount(type, outcome) {
      const metrics = await (await fetch(`${metricsUrl}/metrics`)).text();
      const line = metrics
        .split('\n')
        .find((l) => l.startsWith(`jit_events_handled_total{consumer="intake",type="${type}",outcome="${outcome}"}`));
      return line ? Number(line.split(' ').at(-1)) : 0;
    },
    async deadLetters() {
      return (await jsm.streams.info(topology.deadLetterStream)).state.messages;
    },
    statusBecomes(id, status) {
      return waitFor(
        async () => {
          const { body } = await call('GET', `/v1/requests/${id}`, { headers: asApiKey() });
          return body?.status === status && body;
        },
        { what: `request ${id} to become ${status}` },
      );
    },
    async close() {
      await service.stop();
      await deleteTopology(nc, topology);
      await nc.close();
    },
  };
}

/** How a process ended and what it wrote to stderr. */
export interface ProcessRun {
  code: number | null;
  stderr: string;
}

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Longest a process that should stop at start-up may run before the test gives up on it. */
const START_UP_LIMIT_MS = 30_000;

/** Runs intake's `main.ts` as its own process, with its own database and streams, until it exits. */
export async function runIntakeProcess(name: string, env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  const topology = testTopology(name);
  const databaseUrl = await createTestDatabase(name);
  const child = spawn(process.execPath, [compiledPath('apps/intake/src/main.ts')], {
    cwd: repositoryRoot,
    env: { ...process.env, ...testServiceEnv(intakeService, databaseUrl, topology, { NO_COLOR: '1', ...env }) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const limit = setTimeout(() => child.kill('SIGKILL'), START_UP_LIMIT_MS);
  // 'close' comes after stderr is drained; 'exit' may come before.
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(limit);
  const nc = await connectTestNats();
  await deleteTopology(nc, topology);
  await nc.close();
  return { code, stderr };
}
