import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { SystemClock } from '@jit/events';
import { connectTestNats, deleteTopology, waitFor } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import {
  generatedPerson,
  seedGroups,
  seedPeople,
  startVendorSim,
  type RequestLogLine,
  type VendorSim,
} from '../../../tools/vendor-sim/src/index.js';
import { ReconciliationLoop } from '../src/reconciliation/reconciliation-loop.js';
import type { RoundReport } from '../src/reconciliation/round-report.js';
import { provisionerService } from '../src/service.js';
import { OktaAdmin } from './support/okta-admin.js';
import { RequestDriver } from './support/requests.js';
import { simulatorEnv } from './support/vendor-env.js';

type TestService = Awaited<ReturnType<typeof startTestService>>;

const clock = new SystemClock();
const alice = seedPeople.alice;
const aws = seedGroups.awsProdConsole;
const sandbox = seedGroups.demoSandbox;
const PEOPLE_PER_ROUND = 2;

describe('the directory moves on, and the system follows', () => {
  let sim: VendorSim;
  const calls: RequestLogLine[] = [];
  let nc: NatsConnection;
  let enforcing: TestService;
  let reporting: TestService;
  let db: pg.Client;
  let okta: OktaAdmin;

  const env = (extra: NodeJS.ProcessEnv) =>
    simulatorEnv(sim, {
      GRANT_TICK_MS: '50',
      REVOKE_TICK_MS: '50',
      RECONCILE_INTERVAL_MS: '3600000',
      RECONCILE_PEOPLE_PER_ROUND: String(PEOPLE_PER_ROUND),
      ...extra,
    });

  beforeAll(async () => {
    sim = await startVendorSim({ generatedPeople: 3, log: (line) => calls.push(line) });
    nc = await connectTestNats();
    enforcing = await startTestService(provisionerService, { name: 'provisioner_directory', env: env({}) });
    reporting = await startTestService(provisionerService, {
      name: 'provisioner_directory_report',
      env: env({ RECONCILE_MODE: 'report' }),
    });
    db = new pg.Client({ connectionString: enforcing.databaseUrl });
    await db.connect();
    okta = new OktaAdmin(sim);
  });

  afterAll(async () => {
    await enforcing.stop();
    await reporting.stop();
    await db.end();
    await deleteTopology(nc, enforcing.topology);
    await deleteTopology(nc, reporting.topology);
    await nc.close();
    await sim.close();
  });

  beforeEach(async () => {
    sim.reset();
    calls.length = 0;
    await db.query(`DELETE FROM provisioner.grants`);
    await db.query(`DELETE FROM provisioner.requester_checks`);
  });

  const reconcile = (service: TestService): Promise<RoundReport> =>
    waitFor(() => service.app.get(ReconciliationLoop).tick(), { what: 'a reconciliation round' });

  const driver = (service: TestService) => new RequestDriver(nc, service.topology, clock);

  async function grantStatus(requestId: string): Promise<string> {
    return waitFor(
      async () => (await db.query(`SELECT status FROM provisioner.grants WHERE request_id = $1`, [requestId])).rows[0]?.status,
      { what: `the grant ${requestId} recorded` },
    );
  }

  it('a requester deactivated in Okta has pending requests closed and access revoked', async () => {
    const requests = driver(enforcing);
    const pending = await requests.request(alice.email, sandbox.id, 'demo-sandbox');
    const granted = await requests.grant(alice.email, aws.id);
    await grantStatus(pending);
    await okta.deactivate(alice.oktaId);

    const round = await reconcile(enforcing);

    const cancelled = await requests.first('cancelled', pending);
    expect(cancelled.data).toEqual({ by: 'service:provisioner', reason: 'requester_deactivated' });
    const revoked = await requests.first('revoked', granted.requestId);
    expect(revoked.data.reason).toBe('deprovisioned');
    expect((await requests.first('revoke_requested', granted.requestId)).data).toEqual({
      reason: 'deprovisioned',
      by: 'service:provisioner',
    });
    expect(sim.groupMembers(aws.id)).toEqual([]);
    expect(await requests.all('granted', pending)).toEqual([]);
    expect(round.findings.filter((f) => f.kind === 'requester_deactivated')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ requestId: pending, login: alice.email, action: 'access_ended', new: true }),
        expect.objectContaining({ requestId: granted.requestId, login: alice.email, action: 'access_ended', new: true }),
      ]),
    );
  });

  it('a suspended requester has access revoked', async () => {
    const requests = driver(enforcing);
    const granted = await requests.grant(alice.email, aws.id);
    await okta.suspend(alice.oktaId);

    await reconcile(enforcing);

    expect((await requests.first('revoked', granted.requestId)).data.reason).toBe('deprovisioned');
    expect(sim.groupMembers(aws.id)).toEqual([]);
  });

  it('a requester deleted from Okta has pending requests closed and access revoked', async () => {
    const requests = driver(enforcing);
    const person = generatedPerson(1);
    const granted = await requests.grant(person.email, aws.id);
    const pending = await requests.request(person.email, sandbox.id, 'demo-sandbox');
    await grantStatus(pending);
    await okta.deleteUser(person.oktaId);

    await reconcile(enforcing);

    expect((await requests.first('cancelled', pending)).data.reason).toBe('requester_deactivated');
    expect((await requests.first('revoked', granted.requestId)).data.reason).toBe('deprovisioned');
  });

  it('an active requester keeps their requests and access', async () => {
    const requests = driver(enforcing);
    const granted = await requests.grant(alice.email, aws.id);

    const round = await reconcile(enforcing);

    expect(round.findings).toEqual([]);
    expect(await grantStatus(granted.requestId)).toBe('active');
    expect(calls.filter((call) => call.method === 'GET' && call.path === `/api/v1/users/${alice.oktaId}`)).toHaveLength(1);
  });

  it('an application removed from the catalog has its pending requests closed and its grants revoked', async () => {
    const requests = driver(enforcing);
    // Granted while the catalog had its application, which was retired from the catalog since (the provisioner grants nothing the catalog lacks).
    const granted = await requests.grant(alice.email, sandbox.id, 'demo-sandbox');
    await db.query(`UPDATE provisioner.grants SET application_id = 'retired-app' WHERE request_id = $1`, [granted.requestId]);
    const pending = await requests.request(alice.email, sandbox.id, 'retired-app');
    const kept = await requests.grant(alice.email, aws.id);
    await grantStatus(pending);

    const round = await reconcile(enforcing);

    expect((await requests.first('cancelled', pending)).data).toEqual({ by: 'service:provisioner', reason: 'application_removed' });
    expect((await requests.first('revoked', granted.requestId)).data.reason).toBe('application_removed');
    expect(sim.groupMembers(sandbox.id)).toEqual([]);
    expect(await grantStatus(kept.requestId)).toBe('active');
    expect(round.findings.filter((f) => f.kind === 'application_removed').map((f) => f.requestId)).toEqual(
      expect.arrayContaining([granted.requestId, pending]),
    );
  });

  it('a round reads at most RECONCILE_PEOPLE_PER_ROUND requesters from Okta, those read longest ago first', async () => {
    const requests = driver(enforcing);
    const people = [alice.email, generatedPerson(1).email, generatedPerson(2).email];
    for (const person of people) await grantStatus(await requests.request(person, sandbox.id, 'demo-sandbox'));
    const reads = () => calls.filter((call) => call.method === 'GET' && call.path.startsWith('/api/v1/users/')).length;
    const checked = async (): Promise<string[]> =>
      (await db.query(`SELECT login FROM provisioner.requester_checks`)).rows.map((row) => row.login);

    await reconcile(enforcing);
    expect(reads()).toBe(PEOPLE_PER_ROUND);
    const checkedLogins = await checked();
    const leftOut = people.filter((person) => !checkedLogins.includes(person));
    expect(leftOut).toHaveLength(people.length - PEOPLE_PER_ROUND);

    await reconcile(enforcing);
    expect(reads()).toBe(2 * PEOPLE_PER_ROUND);
    // The person left out of the first round is read in the second, before anyone is read again.
    expect(await checked()).toEqual(expect.arrayContaining(people));
  });

  it('in report mode, a deactivated requester is reported once and nothing is ended', async () => {
    const requests = driver(reporting);
    const granted = await requests.grant(alice.email, aws.id);
    await okta.deactivate(alice.oktaId);

    const first = await reconcile(reporting);
    const second = await reconcile(reporting);

    const aboutGrant = (round: RoundReport) => round.findings.find((f) => f.requestId === granted.requestId);
    expect(aboutGrant(first)).toMatchObject({ kind: 'requester_deactivated', action: 'reported', new: true });
    expect(aboutGrant(second)).toMatchObject({ kind: 'requester_deactivated', action: 'reported', new: false });
    expect(await requests.all('revoke_requested', granted.requestId)).toEqual([]);
    expect(sim.groupMembers(aws.id)).toEqual([alice.oktaId]);
  });
});
