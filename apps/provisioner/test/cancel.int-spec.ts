import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { SystemClock } from '@jit/events';
import { connectTestNats, deleteTopology, eventsOf, waitFor } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { seedGroups, seedPeople, startVendorSim, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { GrantingLoop } from '../src/grants/granting-loop.js';
import { provisionerService } from '../src/service.js';
import { RequestDriver } from './support/requests.js';
import { simulatorEnv } from './support/vendor-env.js';

const alice = seedPeople.alice;
const aws = seedGroups.awsProdConsole;

describe('a cancel after the approval ends with no access', () => {
  let sim: VendorSim;
  let nc: NatsConnection;
  let service: Awaited<ReturnType<typeof startTestService>>;
  let db: pg.Client;
  let requests: RequestDriver;
  let loop: GrantingLoop;

  beforeAll(async () => {
    sim = await startVendorSim();
    nc = await connectTestNats();
    service = await startTestService(provisionerService, { name: 'provisioner_cancel', env: simulatorEnv(sim) });
    // Stopped so the cancel is sure to arrive before the grant is worked on; the test ticks by hand.
    loop = service.app.get(GrantingLoop);
    await loop.beforeApplicationShutdown();
    db = new pg.Client({ connectionString: service.databaseUrl });
    await db.connect();
    requests = new RequestDriver(nc, service.topology, new SystemClock());
  });

  afterAll(async () => {
    await service.stop();
    await db.end();
    await deleteTopology(nc, service.topology);
    await nc.close();
    await sim.close();
  });

  it('a request cancelled after its final approval, before the Okta add began, is stopped: no membership and grant_failed says why', async () => {
    const requestId = await requests.request(alice.email, aws.id);
    await requests.approve(requestId);
    await requests.send(requestId, { type: 'cancelled', data: { by: alice.email } }, alice.email);
    await waitFor(
      async () =>
        (await db.query(`SELECT 1 FROM provisioner.grants WHERE request_id = $1 AND end_requested IS NOT NULL`, [requestId])).rowCount ===
        1,
      { what: 'the cancel recorded on the grant' },
    );

    expect(await loop.tick()).toBe(1);

    const failed = await requests.first('grant_failed', requestId);
    expect(failed.data.reason).toBe('access was ended (admin) before it was granted');
    expect(sim.groupMembers(aws.id)).toEqual([]);
    expect(await eventsOf(nc, service.topology, 'granted', requestId)).toEqual([]);
  });
});
