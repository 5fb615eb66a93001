import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { ManualClock, createEvent, type AccessEvent, type ApprovalPolicy, type RequestedData } from '@jit/events';
import { connectTestNats, deleteTopology, eventsOfRequest, publish, waitFor } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { startVendorSim, type VendorSimOptions, type VendorSim } from '../../../../tools/vendor-sim/src/index.js';
import { approvalService } from '../../src/service.js';

/** What a `requested` event carries besides the requester and the approval policy. */
export type RequestTemplate = Omit<RequestedData, 'requester' | 'application'> & {
  application: Omit<RequestedData['application'], 'approval'>;
};

/** The approval service against the real NATS and Postgres and the vendor simulator, with the helpers its tests share. */
export interface ApprovalTestBed {
  sim: VendorSim;
  service: Awaited<ReturnType<typeof startTestService>>;
  nc: NatsConnection;
  db: pg.Client;
  /**
   * Publishes a `requested` event as intake would and returns it; `application` overrides the
   * template's (its owners, say), `durationSeconds` the template's duration.
   */
  request(
    approval: ApprovalPolicy,
    requester?: string,
    application?: Partial<RequestTemplate['application']>,
    durationSeconds?: number,
  ): Promise<AccessEvent<'requested'>>;
  /** Calls the HTTP API with the demo API key, as `as` when given. */
  call(method: string, path: string, options?: { as?: string; body?: unknown }): Promise<Response>;
  /** Decides on a request through the web API, naming the stage answered when `stage` is given. */
  decide(
    requestId: string,
    as: string,
    decision: string,
    comment?: string,
    stage?: number,
  ): Promise<{ status: number; body: Record<string, any> }>;
  /** The types of the events of a request ever recorded to publish, oldest first: a refused decision must add none. */
  outboxed(requestId: string): Promise<string[]>;
  /**
   * Asserts what was published for a request: exactly `types` were recorded to publish (a refusal
   * adds none), and the stream holds the request followed by exactly those, once the relay drained.
   */
  expectPublished(requestId: string, types: string[]): Promise<void>;
  close(): Promise<void>;
}

/** Starts the simulator and the approval service with the demo API key `apiKey` and the Okta token `oktaToken`. */
export async function startApprovalTestBed(options: {
  apiKey: string;
  oktaToken: string;
  clock: ManualClock;
  template: RequestTemplate;
  sim?: VendorSimOptions;
  env?: NodeJS.ProcessEnv;
}): Promise<ApprovalTestBed> {
  const { apiKey, oktaToken, clock, template } = options;
  const sim = await startVendorSim({ port: 0, oktaApiToken: oktaToken, ...options.sim });
  const service = await startTestService(approvalService, {
    env: {
      JIT_DEMO_API_KEY: apiKey,
      OIDC_ISSUER: sim.issuer,
      OIDC_AUDIENCE: sim.audience,
      OKTA_ORG_URL: sim.url,
      OKTA_API_TOKEN: oktaToken,
      // Used only when the test turns Slack on with SLACK_BOT_TOKEN.
      SLACK_API_URL: `${sim.url}/api/`,
      ...options.env,
    },
    clock,
  });
  const nc = await connectTestNats();
  const db = new pg.Client({ connectionString: service.databaseUrl });
  await db.connect();

  const call: ApprovalTestBed['call'] = (method, path, { as, body } = {}) =>
    fetch(`${service.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(as ? { 'on-behalf-of': as } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const outboxed: ApprovalTestBed['outboxed'] = async (requestId) => {
    const { rows } = await db.query(`SELECT event->>'type' AS type FROM approval.outbox WHERE event->>'requestId' = $1 ORDER BY position`, [
      requestId,
    ]);
    return rows.map((row) => row.type as string);
  };

  return {
    sim,
    service,
    nc,
    db,
    call,
    async request(approval, requester = 'alice@example.com', application = {}, durationSeconds = template.durationSeconds) {
      const event = createEvent(
        {
          type: 'requested',
          data: { ...template, durationSeconds, requester, application: { ...template.application, ...application, approval } },
        },
        { requestId: randomUUID(), actor: requester },
        clock,
      );
      await publish(nc, service.topology, event);
      return event;
    },
    async decide(requestId, as, decision, comment, stage) {
      const response = await call('POST', `/v1/approvals/${requestId}/decision`, {
        as,
        body: { decision, ...(comment ? { comment } : {}), ...(stage === undefined ? {} : { stage }) },
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    },
    outboxed,
    async expectPublished(requestId, types) {
      expect(await outboxed(requestId)).toEqual(types);
      const onStream = await waitFor(
        async () => {
          const found = (await eventsOfRequest(nc, service.topology, requestId)).map((e) => e.type);
          return found.length === types.length + 1 && found;
        },
        { what: `the events of ${requestId} on the stream` },
      );
      expect(onStream).toEqual(['requested', ...types]);
    },
    async close() {
      await service.stop();
      await deleteTopology(nc, service.topology);
      await nc.close();
      await db.end();
      await sim.close();
    },
  };
}
