import pg from 'pg';
import { waitFor } from '@jit/events/testing';
import { seedGroups, seedPeople, type RequestLogLine, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { OktaAdmin } from './support/okta-admin.js';
import { RequestDriver } from './support/requests.js';
import { startProvisionerBed, type ProvisionerBed } from './support/test-bed.js';

const alice = seedPeople.alice;
const aws = seedGroups.awsProdConsole;
const sandbox = seedGroups.demoSandbox;

describe('the Okta user id is resolved once per person and reused', () => {
  let bed: ProvisionerBed;
  let sim: VendorSim;
  let calls: RequestLogLine[];
  let db: pg.Client;
  let requests: RequestDriver;
  let okta: OktaAdmin;

  beforeAll(async () => {
    bed = await startProvisionerBed('provisioner_okta_users', {
      env: { GRANT_TICK_MS: '50', GRANT_BACKOFF_BASE_MS: '100', RECONCILE_INTERVAL_MS: '3600000' },
    });
    ({ sim, calls, db, requests } = bed);
    okta = new OktaAdmin(sim);
    // The reconciliation's round at start-up reads requesters from Okta too: it is over before any test counts calls.
    await waitFor(async () => (await db.query(`SELECT 1 FROM provisioner.reconciliation_latest_round`)).rowCount! > 0, {
      timeoutMs: 30_000,
      what: "the reconciliation's first round",
    });
  });

  afterAll(() => bed?.stop());

  beforeEach(async () => {
    sim.reset();
    calls.length = 0;
    await db.query(`DELETE FROM provisioner.okta_users`);
  });

  /**
   * Okta asked who a login is. Reads by the remembered id are the reconciliation's check that a
   * requester is still active (its first round, at start-up, can land in a test on a loaded machine),
   * not a lookup of the login.
   */
  const userLookups = () => calls.filter((call) => call.method === 'GET' && /^\/api\/v1\/users\/[^/]*(@|%40)/.test(call.path));

  it("a person's later grants reuse the Okta user id their first grant looked up: one Okta call per grant", async () => {
    const first = await requests.grant(alice.email, aws.id);
    const second = await requests.grant(alice.email, sandbox.id);

    expect(first.data.oktaUserId).toBe(alice.oktaId);
    expect(second.data.oktaUserId).toBe(alice.oktaId);
    expect(userLookups()).toHaveLength(1);
    expect(calls.filter((call) => call.method === 'PUT')).toHaveLength(2);
    const { rows } = await db.query(`SELECT login, okta_user_id FROM provisioner.okta_users`);
    expect(rows).toEqual([{ login: alice.email, okta_user_id: alice.oktaId }]);
  });

  it('a user deleted and created again under the same login is looked up afresh, and granted under the new id', async () => {
    await requests.grant(alice.email, aws.id);
    await okta.deleteUser(alice.oktaId);
    const recreated = await okta.createUser(alice.email);

    const granted = await requests.grant(alice.email, sandbox.id);

    expect(granted.data.oktaUserId).toBe(recreated);
    expect(sim.groupMembers(sandbox.id)).toEqual([recreated]);
    const { rows } = await db.query(`SELECT okta_user_id FROM provisioner.okta_users WHERE login = $1`, [alice.email]);
    expect(rows).toEqual([{ okta_user_id: recreated }]);
  });
});
