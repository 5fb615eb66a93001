import pg from 'pg';
import { ManualClock } from '@jit/events';
import { waitFor } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { seedGroups, seedPeople, type RequestLogLine, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { DEADLINE_PASSED } from '../src/grants/granting-loop.js';
import { ReconciliationLoop } from '../src/reconciliation/reconciliation-loop.js';
import { RequestDriver } from './support/requests.js';
import { startProvisionerBed, type ProvisionerBed } from './support/test-bed.js';

const alice = seedPeople.alice;
const exclusive = seedGroups.awsProdConsole;
const shared = seedGroups.githubAdmin;
/** The requests' duration (see `requested`): the deadline is the final approval's time plus this. */
const DURATION_MS = 7200 * 1000;
/** A first retry delay far beyond any deadline, so only the deadline can bound it. */
const BACKOFF_MS = 10 * DURATION_MS;

describe('a grant that cannot complete is rolled back or completed, never left in between', () => {
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  let bed: ProvisionerBed;
  let sim: VendorSim;
  let calls: RequestLogLine[];
  let service: Awaited<ReturnType<typeof startTestService>>;
  let db: pg.Client;
  let requests: RequestDriver;

  beforeAll(async () => {
    bed = await startProvisionerBed('provisioner_rollback', {
      clock,
      env: {
        OKTA_MAX_RETRIES: '0',
        GRANT_TICK_MS: '50',
        GRANT_BACKOFF_BASE_MS: String(BACKOFF_MS),
        GRANT_BACKOFF_MAX_MS: String(BACKOFF_MS),
        REVOKE_TICK_MS: '50',
        TICKET_TICK_MS: '50',
        RECONCILE_INTERVAL_MS: '3600000',
      },
    });
    ({ sim, calls, service, db, requests } = bed);
  });

  afterAll(() => bed?.stop());

  beforeEach(async () => {
    sim.reset();
    calls.length = 0;
    await db.query(`DELETE FROM provisioner.grants`);
  });

  async function grantRow(requestId: string) {
    const { rows } = await db.query(
      `SELECT status, membership, deadline, next_attempt_at, attempts, failure_reason FROM provisioner.grants WHERE request_id = $1`,
      [requestId],
    );
    return rows[0];
  }

  const failedAttempt = (requestId: string) =>
    waitFor(async () => ((await grantRow(requestId))?.attempts ?? 0) > 0 && grantRow(requestId), { what: 'a failed grant attempt' });

  const addByHand = async (groupId: string, userId: string) => {
    const response = await fetch(`${sim.url}/api/v1/groups/${groupId}/users/${userId}`, {
      method: 'PUT',
      headers: { authorization: 'SSWS x' },
    });
    expect(response.status).toBe(204);
  };

  const reconcile = () => waitFor(() => service.app.get(ReconciliationLoop).tick(), { what: 'a reconciliation round' });

  const membershipPuts = (groupId: string) =>
    calls.filter((call) => call.method === 'PUT' && call.path.startsWith(`/api/v1/groups/${groupId}/`));

  it('a grant still granting at its deadline is rolled back: the membership it added is removed and grant_failed says why', async () => {
    // Okta adds the member, but the grant's activation never commits (as if every commit failed after the Okta call).
    await db.query(`CREATE FUNCTION provisioner.refuse_activation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'active' THEN RAISE EXCEPTION 'injected failure'; END IF;
        RETURN NEW;
      END $$`);
    await db.query(
      `CREATE TRIGGER refuse_activation BEFORE UPDATE ON provisioner.grants FOR EACH ROW EXECUTE FUNCTION provisioner.refuse_activation()`,
    );
    try {
      const requestId = await requests.request(alice.email, exclusive.id);
      await requests.approve(requestId);
      const stuck = await failedAttempt(requestId);
      expect(stuck).toMatchObject({ status: 'granting', membership: 'added' });
      expect(sim.groupMembers(exclusive.id)).toEqual([alice.oktaId]);
      // The retry is due at the deadline at the latest, however long the backoff.
      expect(new Date(stuck.next_attempt_at)).toEqual(new Date(stuck.deadline));

      clock.advance(DURATION_MS);

      const failed = await requests.first('grant_failed', requestId);
      expect(failed.data.reason).toBe(DEADLINE_PASSED);
      expect(sim.groupMembers(exclusive.id)).toEqual([]);
      expect(await requests.all('granted', requestId)).toEqual([]);
      expect(await grantRow(requestId)).toMatchObject({ status: 'failed', failure_reason: DEADLINE_PASSED });
    } finally {
      await db.query(`DROP TRIGGER refuse_activation ON provisioner.grants`);
      await db.query(`DROP FUNCTION provisioner.refuse_activation()`);
    }
  });

  it('a grant Okta never answered stops trying at its deadline and fails, leaving no membership', async () => {
    sim.addFault({ vendor: 'okta', method: 'PUT', path: '/api/v1/groups/*', status: 503 });
    const requestId = await requests.request(alice.email, exclusive.id);
    await requests.approve(requestId);
    await failedAttempt(requestId);

    clock.advance(DURATION_MS);

    expect((await requests.first('grant_failed', requestId)).data.reason).toBe(DEADLINE_PASSED);
    expect(membershipPuts(exclusive.id)).toHaveLength(1);
    expect(sim.groupMembers(exclusive.id)).toEqual([]);
  });

  it('a rolled-back grant leaves the membership another grant of the same person and group still justifies', async () => {
    const other = await requests.grant(alice.email, exclusive.id);
    sim.addFault({ vendor: 'okta', method: 'PUT', path: '/api/v1/groups/*', status: 503 });
    const requestId = await requests.request(alice.email, exclusive.id);
    await requests.approve(requestId);
    await failedAttempt(requestId);
    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });

    // No expiry reaches the first grant: it stays active past the second one's deadline.
    clock.advance(DURATION_MS);

    expect((await requests.first('grant_failed', requestId)).data.reason).toBe(DEADLINE_PASSED);
    expect(sim.groupMembers(exclusive.id)).toEqual([alice.oktaId]);
    expect(await grantRow(other.requestId)).toMatchObject({ status: 'active' });
  });

  it('an add Okta applies after the rollback is removed by the next reconciliation round, even from a shared group', async () => {
    sim.addFault({ vendor: 'okta', method: 'PUT', path: '/api/v1/groups/*', status: 503 });
    const requestId = await requests.request(alice.email, shared.id);
    await requests.approve(requestId);
    expect(await failedAttempt(requestId)).toMatchObject({ membership: 'added' });
    clock.advance(DURATION_MS);
    await requests.first('grant_failed', requestId);
    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });

    // The add the rollback outlived lands a minute later (a round counts grants changed since it began as explanations).
    clock.advance(60_000);
    await addByHand(shared.id, alice.oktaId);
    await reconcile();
    expect(sim.groupMembers(shared.id)).toEqual([]);

    // Long after the rollback, the same person added to the shared group is someone's permanent member: kept.
    clock.advance(20 * 60_000);
    await addByHand(shared.id, alice.oktaId);
    await reconcile();
    expect(sim.groupMembers(shared.id)).toEqual([alice.oktaId]);
  });

  it.each([
    ['an exclusive', exclusive.id],
    ['a shared', shared.id],
  ])('a grant into %s group that no longer exists in Okta fails at once, saying so, instead of retrying', async (_, groupId) => {
    const deleted = await fetch(`${sim.url}/api/v1/groups/${groupId}`, { method: 'DELETE', headers: { authorization: 'SSWS x' } });
    expect(deleted.status).toBe(204);

    const requestId = await requests.request(alice.email, groupId);
    await requests.approve(requestId);

    expect((await requests.first('grant_failed', requestId)).data.reason).toBe(`the Okta group ${groupId} does not exist`);
    expect(await grantRow(requestId)).toMatchObject({ status: 'failed' });
    expect(calls.filter((call) => call.path.startsWith(`/api/v1/groups/${groupId}/`))).toHaveLength(1);
  });

  it('revoking a membership of a group that no longer exists counts as done', async () => {
    const granted = await requests.grant(alice.email, exclusive.id);
    await fetch(`${sim.url}/api/v1/groups/${exclusive.id}`, { method: 'DELETE', headers: { authorization: 'SSWS x' } });

    await requests.expire(granted);

    expect((await requests.first('revoked', granted.requestId)).data.reason).toBe('expired');
    expect(await requests.all('revoke_failed', granted.requestId)).toEqual([]);
  });
});
