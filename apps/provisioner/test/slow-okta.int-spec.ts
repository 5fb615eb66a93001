import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { SystemClock, createEvent, type AccessEvent, type EventDraft } from '@jit/events';
import { connectTestNats, deleteTopology, eventsOf, publish, waitFor } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { generatedPerson, seedGroups, startVendorSim, type RequestLogLine, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { provisionerService } from '../src/service.js';
import { simulatorEnv } from './support/vendor-env.js';
import { requested } from './support/requested.js';

const clock = new SystemClock();
const OKTA_LATENCY_MS = 3000;
const POOL_SIZE = 4;
const CONCURRENT_GRANTS = 20;
/** Requesters of their own, so each grant makes a membership of its own. */
const people = Array.from({ length: CONCURRENT_GRANTS }, (_, i) => generatedPerson(i + 1));
const aws = seedGroups.awsProdConsole;

/** What the sampler saw of the service's Postgres connections over a run. */
interface ConnectionSamples {
  samples: number;
  /** The longest any connection sat `idle in transaction`, in milliseconds. */
  longestIdleInTransactionMs: number;
  /** The most connections the service held at once. */
  mostConnections: number;
}

describe('provisioner with a slow Okta', () => {
  let sim: VendorSim;
  const calls: RequestLogLine[] = [];
  let nc: NatsConnection;
  let service: Awaited<ReturnType<typeof startTestService>>;
  let sampler: pg.Client;

  beforeAll(async () => {
    sim = await startVendorSim({ generatedPeople: CONCURRENT_GRANTS, log: (line) => calls.push(line) });
    nc = await connectTestNats();
    service = await startTestService(provisionerService, {
      name: 'provisioner_slow',
      env: simulatorEnv(sim, {
        GRANT_TICK_MS: '50',
        REVOKE_TICK_MS: '50',
        TICKET_TICK_MS: '50',
        RECONCILE_INTERVAL_MS: '3600000',
        DATABASE_POOL_SIZE: String(POOL_SIZE),
      }),
    });
    sampler = new pg.Client({ connectionString: service.databaseUrl });
    await sampler.connect();
  });

  afterAll(async () => {
    await service.stop();
    await sampler.end();
    await deleteTopology(nc, service.topology);
    await nc.close();
    await sim.close();
  });

  beforeEach(() => {
    sim.reset();
    calls.length = 0;
    sim.addFault({ vendor: 'okta', path: '/api/v1/*', latencyMs: OKTA_LATENCY_MS });
  });

  /** Samples every connection to the service's database (but the sampler's own) until `run` settles. */
  async function sampledWhile(run: () => Promise<void>): Promise<ConnectionSamples> {
    const seen: ConnectionSamples = { samples: 0, longestIdleInTransactionMs: 0, mostConnections: 0 };
    let running = true;
    const sampling = (async () => {
      while (running) {
        const { rows } = await sampler.query(
          `SELECT count(*)::int AS connections,
             COALESCE(max(EXTRACT(EPOCH FROM clock_timestamp() - state_change) * 1000)
               FILTER (WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')), 0)::float AS idle_in_transaction_ms
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
             AND query NOT LIKE 'LISTEN %'`,
        );
        seen.samples += 1;
        seen.longestIdleInTransactionMs = Math.max(seen.longestIdleInTransactionMs, rows[0].idle_in_transaction_ms);
        seen.mostConnections = Math.max(seen.mostConnections, rows[0].connections);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    try {
      await run();
    } finally {
      running = false;
      await sampling;
    }
    return seen;
  }

  async function request(requester: string, groupId: string): Promise<string> {
    const requestId = randomUUID();
    const send = (draft: EventDraft, actor: string) => publish(nc, service.topology, createEvent(draft, { requestId, actor }, clock));
    await send({ type: 'requested', data: requested(requester, groupId) }, requester);
    await send({ type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true } }, 'bob@example.com');
    return requestId;
  }

  async function all<T extends AccessEvent['type']>(type: T, requestIds: string[]): Promise<AccessEvent<T>[]> {
    return waitFor(
      async () => {
        const found = (await Promise.all(requestIds.map((id) => eventsOf(nc, service.topology, type, id)))).flat();
        return found.length >= requestIds.length && found;
      },
      { what: `${requestIds.length} ${type} events`, timeoutMs: 45_000, intervalMs: 250 },
    );
  }

  /** A group's members, read from the simulator directly so the injected latency does not slow the test down. */
  const oktaMembers = (groupId: string): string[] => [...sim.groupMembers(groupId)].sort();

  const membershipChanges = (method: 'PUT' | 'DELETE') =>
    calls.filter((call) => call.method === method && /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/.test(call.path) && call.status === 204);

  it('with every Okta call taking 3 s, no connection sits idle in a transaction for more than 1 s while grants and revocations run', async () => {
    const requesters = people.slice(0, 4);
    const seen = await sampledWhile(async () => {
      const requestIds = await Promise.all(requesters.map((person) => request(person.email, aws.id)));
      const granted = await all('granted', requestIds);
      for (const { requestId, data } of granted) {
        const expired = createEvent(
          { type: 'expired', data: { expiresAt: data.expiresAt } },
          { requestId, actor: 'service:scheduler' },
          clock,
        );
        await publish(nc, service.topology, expired);
      }
      await all('revoked', requestIds);
    });

    expect(membershipChanges('PUT').map((call) => call.durationMs >= OKTA_LATENCY_MS)).toEqual(requesters.map(() => true));
    expect(membershipChanges('DELETE').map((call) => call.durationMs >= OKTA_LATENCY_MS)).toEqual(requesters.map(() => true));
    expect(oktaMembers(aws.id)).toEqual([]);
    expect(seen.samples).toBeGreaterThan(50);
    // No transaction waits on Okta: one that did would sit idle for a whole 3 s call (a loaded machine still takes well under that).
    expect(seen.longestIdleInTransactionMs).toBeLessThan(OKTA_LATENCY_MS);
  });

  it('20 concurrent grants all complete with a pool of 4 connections while every Okta call takes 3 s', async () => {
    const seen = await sampledWhile(async () => {
      const requestIds = await Promise.all(people.map((person) => request(person.email, aws.id)));
      expect(await all('granted', requestIds)).toHaveLength(CONCURRENT_GRANTS);
    });

    expect(membershipChanges('PUT')).toHaveLength(CONCURRENT_GRANTS);
    expect(oktaMembers(aws.id)).toEqual(people.map((person) => person.oktaId).sort());
    expect(seen.mostConnections).toBeLessThanOrEqual(POOL_SIZE);
    // No transaction waits on Okta: one that did would sit idle for a whole 3 s call (a loaded machine still takes well under that).
    expect(seen.longestIdleInTransactionMs).toBeLessThan(OKTA_LATENCY_MS);
  });
});
