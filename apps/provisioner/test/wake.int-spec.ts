import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { SystemClock, createEvent, type AccessEvent, type EventDraft } from '@jit/events';
import { connectTestNats, deleteTopology, eventsOf, publish, waitFor } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { seedGroups, seedPeople, startVendorSim, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { provisionerService } from '../src/service.js';
import { requested } from './support/requested.js';
import { simulatorEnv } from './support/vendor-env.js';

const clock = new SystemClock();
const alice = seedPeople.alice;

describe('provisioner loops are woken when work commits', () => {
  let sim: VendorSim;
  let nc: NatsConnection;
  let service: Awaited<ReturnType<typeof startTestService>>;

  beforeAll(async () => {
    sim = await startVendorSim();
    nc = await connectTestNats();
    // Ticks far longer than the test: only the NOTIFY of committed work can make it pass.
    const never = '600000';
    service = await startTestService(provisionerService, {
      name: 'provisioner_wake',
      env: simulatorEnv(sim, {
        GRANT_TICK_MS: never,
        REVOKE_TICK_MS: never,
        TICKET_TICK_MS: never,
        GRANT_BACKOFF_BASE_MS: '300',
        REVOKE_BACKOFF_BASE_MS: '300',
        TICKET_BACKOFF_BASE_MS: '300',
        OKTA_MAX_RETRIES: '0',
      }),
    });
  });

  afterAll(async () => {
    await service.stop();
    await deleteTopology(nc, service.topology);
    await nc.close();
    await sim.close();
  });

  const send = (requestId: string, draft: EventDraft) =>
    publish(nc, service.topology, createEvent(draft, { requestId, actor: 'service:test' }, clock));

  async function first<T extends AccessEvent['type']>(type: T, requestId: string): Promise<AccessEvent<T>> {
    const [found] = await waitFor(
      async () => {
        const events = await eventsOf(nc, service.topology, type, requestId);
        return events.length > 0 && events;
      },
      { timeoutMs: 10_000, what: `${type} for ${requestId}` },
    );
    return found;
  }

  it('grants, opens the ticket, revokes and closes it at once, without waiting for a tick', async () => {
    const requestId = randomUUID();
    await send(requestId, { type: 'requested', data: requested(alice.email) });
    await send(requestId, { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true } });
    const granted = await first('granted', requestId);
    await first('ticket_opened', requestId);
    await send(requestId, { type: 'expired', data: { expiresAt: granted.data.expiresAt } });
    await first('revoked', requestId);
    await first('ticket_closed', requestId);
    expect(await members()).toEqual([]);
  });

  it('work retried after a vendor failure is taken up at its retry time, with nothing announcing it and no tick due', async () => {
    const requestId = randomUUID();
    sim.addFault({ vendor: 'okta', method: 'PUT', path: '/api/v1/groups/*', status: 503, count: 1 });
    sim.addFault({ vendor: 'jira', path: '/rest/api/3/issue', status: 503, count: 1 });
    await send(requestId, { type: 'requested', data: requested(alice.email) });
    await send(requestId, { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true } });
    const granted = await first('granted', requestId);
    await first('ticket_opened', requestId);
    const retried = await eventsOf(nc, service.topology, 'grant_retrying', requestId);
    expect(retried).toHaveLength(1);
    sim.addFault({ vendor: 'okta', method: 'DELETE', path: '/api/v1/groups/*', status: 503, count: 1 });
    await send(requestId, { type: 'expired', data: { expiresAt: granted.data.expiresAt } });
    await first('revoked', requestId);
    expect(await eventsOf(nc, service.topology, 'revoke_failed', requestId)).toHaveLength(1);
    expect(await members()).toEqual([]);
  });

  async function members(): Promise<unknown> {
    const response = await fetch(`${sim.url}/api/v1/groups/${seedGroups.awsProdConsole.id}/users`, {
      headers: { authorization: 'SSWS x' },
    });
    return response.json();
  }
});
