import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { SystemClock } from '@jit/events';
import { connectTestNats, deleteTopology } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { seedGroups, seedPeople, startVendorSim, type RequestLogLine, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { claimOktaWork } from '../src/grants/grant.store.js';
import { GrantingLoop } from '../src/grants/granting-loop.js';
import { RevocationLoop } from '../src/grants/revocation-loop.js';
import { provisionerService } from '../src/service.js';
import { RequestDriver } from './support/requests.js';
import { startProvisionerBed, type ProvisionerBed } from './support/test-bed.js';
import { simulatorEnv } from './support/vendor-env.js';

type TestService = Awaited<ReturnType<typeof startTestService>>;

const clock = new SystemClock();
const alice = seedPeople.alice;
// In the demo catalog the AWS console's group is exclusive (JIT-only) and GitHub admin's is shared.
const exclusive = seedGroups.awsProdConsole;
const shared = seedGroups.githubAdmin;

describe('memberships are counted, not toggled', () => {
  let bed: ProvisionerBed;
  let sim: VendorSim;
  let calls: RequestLogLine[];
  let db: pg.Client;
  let requests: RequestDriver;

  beforeAll(async () => {
    bed = await startProvisionerBed('provisioner_memberships', {
      env: { GRANT_TICK_MS: '50', REVOKE_TICK_MS: '50', TICKET_TICK_MS: '50', RECONCILE_INTERVAL_MS: '3600000' },
    });
    ({ sim, calls, db, requests } = bed);
  });

  afterAll(() => bed?.stop());

  beforeEach(() => {
    sim.reset();
    calls.length = 0;
  });

  const membershipCalls = (method: 'PUT' | 'DELETE', groupId: string) =>
    calls.filter((call) => call.method === method && call.path === `/api/v1/groups/${groupId}/users/${alice.oktaId}`);

  async function addByHand(groupId: string, userId: string): Promise<void> {
    const response = await fetch(`${sim.url}/api/v1/groups/${groupId}/users/${userId}`, {
      method: 'PUT',
      headers: { authorization: 'SSWS x' },
    });
    expect(response.status).toBe(204);
    calls.length = 0;
  }

  async function membershipOf(requestId: string): Promise<string | null> {
    const { rows } = await db.query(`SELECT membership FROM provisioner.grants WHERE request_id = $1`, [requestId]);
    return rows[0]?.membership;
  }

  it('two overlapping grants of one group: revoking the first keeps the membership the second justifies', async () => {
    const first = await requests.grant(alice.email, exclusive.id);
    const second = await requests.grant(alice.email, exclusive.id);

    await requests.relinquish(first.requestId, alice.email);
    expect((await requests.first('revoked', first.requestId)).data.reason).toBe('relinquished');
    expect(sim.groupMembers(exclusive.id)).toEqual([alice.oktaId]);
    expect(membershipCalls('DELETE', exclusive.id)).toEqual([]);

    await requests.expire(second);
    expect((await requests.first('revoked', second.requestId)).data.reason).toBe('expired');
    expect(sim.groupMembers(exclusive.id)).toEqual([]);
    expect(membershipCalls('DELETE', exclusive.id)).toHaveLength(1);
  });

  it('a permanent member of a shared group keeps the membership when the JIT grant ends', async () => {
    await addByHand(shared.id, alice.oktaId);

    const granted = await requests.grant(alice.email, shared.id);
    expect(await membershipOf(granted.requestId)).toBe('preexisting');
    // The audit trail says so too: this grant added nothing.
    expect(granted.data.membership).toBe('preexisting');
    expect(membershipCalls('PUT', shared.id)).toEqual([]);

    await requests.expire(granted);
    expect((await requests.first('revoked', granted.requestId)).data.reason).toBe('expired');
    expect(sim.groupMembers(shared.id)).toEqual([alice.oktaId]);
    expect(membershipCalls('DELETE', shared.id)).toEqual([]);
  });

  it('in a shared group, a membership another grant of ours added is not taken for a permanent one, and ends with the last grant', async () => {
    const first = await requests.grant(alice.email, shared.id);
    const second = await requests.grant(alice.email, shared.id);
    expect(await membershipOf(first.requestId)).toBe('added');
    expect(await membershipOf(second.requestId)).toBe('added');
    expect([first.data.membership, second.data.membership]).toEqual(['added', 'added']);

    await requests.expire(first);
    await requests.first('revoked', first.requestId);
    expect(sim.groupMembers(shared.id)).toEqual([alice.oktaId]);

    await requests.expire(second);
    await requests.first('revoked', second.requestId);
    expect(sim.groupMembers(shared.id)).toEqual([]);
  });

  it('in an exclusive group, a membership no grant explains is not respected: the grant takes it over and its end removes it', async () => {
    await addByHand(exclusive.id, alice.oktaId);

    const granted = await requests.grant(alice.email, exclusive.id);
    expect(await membershipOf(granted.requestId)).toBe('added');

    await requests.expire(granted);
    await requests.first('revoked', granted.requestId);
    expect(sim.groupMembers(exclusive.id)).toEqual([]);
  });
});

describe('the Okta work of one person in one group is done one grant at a time', () => {
  let sim: VendorSim;
  let nc: NatsConnection;
  let service: TestService;
  let db: pg.Client;

  beforeAll(async () => {
    sim = await startVendorSim();
    nc = await connectTestNats();
    service = await startTestService(provisionerService, {
      name: 'provisioner_member_claims',
      env: simulatorEnv(sim, { GRANT_TICK_MS: '3600000', REVOKE_TICK_MS: '3600000', RECONCILE_INTERVAL_MS: '3600000' }),
    });
    // The test claims by hand, as two replicas' loops would.
    await service.app.get(GrantingLoop).beforeApplicationShutdown();
    await service.app.get(RevocationLoop).beforeApplicationShutdown();
    db = new pg.Client({ connectionString: service.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await service.stop();
    await db.end();
    await deleteTopology(nc, service.topology);
    await nc.close();
    await sim.close();
  });

  async function insertGrant(status: 'granting' | 'revoking', groupId = exclusive.id, requester = alice.email): Promise<string> {
    const requestId = randomUUID();
    await db.query(
      `INSERT INTO provisioner.grants (request_id, requester, application_id, application_name, okta_group_id, duration_seconds,
         justification, status, created_at, updated_at)
       VALUES ($1, $2, 'aws-prod-console', 'AWS', $3, 3600, 'testing', $4, now(), now())`,
      [requestId, requester, groupId, status],
    );
    return requestId;
  }

  const lease = (owner: string) => {
    const now = clock.now();
    return { owner, now, until: new Date(now.getTime() + 60_000) };
  };

  afterEach(() => db.query(`DELETE FROM provisioner.grants`));

  it('a grant is not claimed while another grant of the same person and group is leased, by any loop or replica', async () => {
    const granting = await insertGrant('granting');
    const revoking = await insertGrant('revoking');
    const elsewhere = await insertGrant('granting', shared.id);
    const dataSource = service.app.get(DataSource);

    const claimedGranting = await claimOktaWork(dataSource, 'granting', lease('replica-a'), 10);
    expect(claimedGranting.map((work) => work.grant.requestId).sort()).toEqual([granting, elsewhere].sort());
    expect(await claimOktaWork(dataSource, 'revoking', lease('replica-b'), 10)).toEqual([]);

    await db.query(`UPDATE provisioner.grants SET lease_owner = NULL, lease_until = NULL WHERE request_id = $1`, [granting]);
    const claimedRevoking = await claimOktaWork(dataSource, 'revoking', lease('replica-b'), 10);
    expect(claimedRevoking.map((work) => work.grant.requestId)).toEqual([revoking]);
  });

  it('of several grants of one person and group due at once, concurrent claims lease only one', async () => {
    const replicas = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (const _ of replicas) await insertGrant('granting');
    const dataSource = service.app.get(DataSource);

    // One grant per claim, so each replica's claim finds a grant of its own to race for.
    const claims = await Promise.all(replicas.map((replica) => claimOktaWork(dataSource, 'granting', lease(replica), 1)));

    expect(claims.flat()).toHaveLength(1);
  });
});
