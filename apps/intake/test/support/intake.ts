import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { SystemClock, createEvent, subjectFor, type AccessEvent, type EventDraft, type EventType } from '@jit/events';
import { connectTestNats, deleteTopology, streamEvents, waitFor } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { intakeService } from '../../src/service.js';

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
  /** Polls `GET /v1/requests/:id` until its status is `status`. */
  statusBecomes(id: string, status: string): Promise<any>;
  close(): Promise<void>;
}

/** Starts intake against the real NATS and Postgres, with its own database and streams. */
export async function startIntake(name: string, env: NodeJS.ProcessEnv = {}): Promise<IntakeHarness> {
  const service = await startTestService(intakeService, { name, env: { JIT_DEMO_API_KEY: API_KEY, ...env } });
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

  return {
    url: service.url,
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
