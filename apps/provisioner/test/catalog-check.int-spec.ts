import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { SystemClock } from '@jit/events';
import { connectTestNats, deleteTopology, eventsOf } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { seedGroups, seedPeople, startVendorSim, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { provisionerService } from '../src/service.js';
import { RequestDriver } from './support/requests.js';
import { simulatorEnv } from './support/vendor-env.js';

const alice = seedPeople.alice;

describe('the provisioner grants only what the catalog names', () => {
  let sim: VendorSim;
  let nc: NatsConnection;
  let service: Awaited<ReturnType<typeof startTestService>>;
  let db: pg.Client;
  let requests: RequestDriver;

  beforeAll(async () => {
    sim = await startVendorSim();
    nc = await connectTestNats();
    service = await startTestService(provisionerService, {
      name: 'catalog_check',
      env: simulatorEnv(sim, { GRANT_TICK_MS: '50', TICKET_TICK_MS: '50' }),
    });
    db = new pg.Client({ connectionString: service.databaseUrl });
    await db.connect();
    requests = new RequestDriver(nc, service.topology, new SystemClock());
  });

  afterAll(async () => {
    await service?.stop();
    await db?.end();
    await deleteTopology(nc, service.topology);
    await nc?.close();
    await sim?.close();
  });

  async function members(groupId: string): Promise<string[]> {
    const response = await fetch(`${sim.url}/api/v1/groups/${groupId}/users`, { headers: { authorization: 'SSWS x' } });
    return ((await response.json()) as { id: string }[]).map((u) => u.id);
  }

  it.each([
    [
      'a group the catalog gives another application',
      'aws-prod-console',
      seedGroups.githubAdmin.id,
      `the catalog grants aws-prod-console through Okta group ${seedGroups.awsProdConsole.id}, not ${seedGroups.githubAdmin.id}; nothing was granted`,
    ],
    [
      'an application the catalog does not have',
      'shadow-admin',
      seedGroups.githubAdmin.id,
      'the catalog has no application "shadow-admin"; nothing was granted',
    ],
  ])('an approved request naming %s fails with the reason, and nobody is added in Okta', async (_, applicationId, groupId, reason) => {
    const before = await members(groupId);
    const requestId = await requests.request(alice.email, groupId, applicationId);
    await requests.approve(requestId);

    expect((await requests.first('grant_failed', requestId)).data.reason).toBe(reason);
    expect(await members(groupId)).toEqual(before);
    expect(await eventsOf(nc, service.topology, 'granted', requestId)).toEqual([]);
    const { rows } = await db.query(`SELECT status, failure_reason FROM provisioner.grants WHERE request_id = $1`, [requestId]);
    expect(rows).toEqual([{ status: 'failed', failure_reason: reason }]);
  });
});
