import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { ManualClock, createEvent, type AccessEvent, type EventDraft } from '@jit/events';
import { connectTestNats, deleteTopology, eventsOf, publish, waitFor } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { seedGroups, seedPeople, startVendorSim, type RequestLogLine, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { ReconciliationLoop } from '../src/reconciliation/reconciliation-loop.js';
import type { RoundReport } from '../src/reconciliation/round-report.js';
import { provisionerService } from '../src/service.js';
import { requested } from './support/requested.js';
import { OktaAdmin } from './support/okta-admin.js';
import { simulatorEnv } from './support/vendor-env.js';

type TestService = Awaited<ReturnType<typeof startTestService>>;

const alice = seedPeople.alice;
const dave = seedPeople.dave;
const sandbox = seedGroups.demoSandbox;
const aws = seedGroups.awsProdConsole;
const github = seedGroups.githubAdmin;
const TWO_HOURS_S = 7200;
const DEMO_API_KEY = 'reconciliation-demo-key-0123456789';

describe('reconciliation', () => {
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  let sim: VendorSim;
  const oktaCalls: RequestLogLine[] = [];
  let nc: NatsConnection;
  // Enforcing service watching demo-sandbox (and every group it grants into); the reporting one watches github-admin only.
  let enforcing: TestService;
  let reporting: TestService;
  let enforcingDb: pg.Client;
  let reportingDb: pg.Client;
  let okta: OktaAdmin;

  function vendorEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    // Rounds are driven by the tests.
    return simulatorEnv(sim, { REVOKE_TICK_MS: '50', RECONCILE_INTERVAL_MS: '3600000', ...extra });
  }

  beforeAll(async () => {
    sim = await startVendorSim({ port: 0, log: (line) => oktaCalls.push(line) });
    nc = await connectTestNats();
    enforcing = await startTestService(provisionerService, {
      clock,
      env: vendorEnv({ RECONCILE_MODE: 'enforce', RECONCILE_GROUPS: sandbox.id, JIT_DEMO_API_KEY: DEMO_API_KEY, OIDC_ISSUER: sim.issuer }),
    });
    reporting = await startTestService(provisionerService, {
      name: 'provisioner_report',
      env: vendorEnv({ RECONCILE_MODE: 'report', RECONCILE_GROUPS: ` ${github.id} ,` }),
    });
    enforcingDb = new pg.Client({ connectionString: enforcing.databaseUrl });
    reportingDb = new pg.Client({ connectionString: reporting.databaseUrl });
    await enforcingDb.connect();
    await reportingDb.connect();
    okta = new OktaAdmin(sim);
  });

  afterAll(async () => {
    await enforcing.stop();
    await reporting.stop();
    await enforcingDb.end();
    await reportingDb.end();
    await deleteTopology(nc, enforcing.topology);
    await deleteTopology(nc, reporting.topology);
    await nc.close();
    await sim.close();
  });

  beforeEach(() => {
    sim.reset();
    oktaCalls.length = 0;
  });

  /** Runs one round, waiting out a round already in flight (the one started at bootstrap). */
  function reconcile(service: TestService) {
    return waitFor(() => service.app.get(ReconciliationLoop).tick(), { what: 'a reconciliation round' });
  }

  async function addBehindTheBack(groupId: string, userId: string): Promise<void> {
    const response = await fetch(`${sim.url}/api/v1/groups/${groupId}/users/${userId}`, {
      method: 'PUT',
      headers: { authorization: 'SSWS x' },
    });
    expect(response.status).toBe(204);
  }

  async function oktaMembers(groupId: string): Promise<string[]> {
    const response = await fetch(`${sim.url}/api/v1/groups/${groupId}/users`, { headers: { authorization: 'SSWS x' } });
    const users = (await response.json()) as Array<{ id: string }>;
    return users.map((u) => u.id);
  }

  /** Membership removals the simulator has seen in a group since the test began. */
  function removalsFrom(groupId: string): RequestLogLine[] {
    return oktaCalls.filter((call) => call.method === 'DELETE' && call.path.startsWith(`/api/v1/groups/${groupId}/users/`));
  }

  async function findings(db: pg.Client, groupId: string) {
    const { rows } = await db.query(
      `SELECT kind, okta_user_id, login, request_id, action FROM provisioner.reconciliation_findings WHERE okta_group_id = $1 ORDER BY id`,
      [groupId],
    );
    return rows;
  }

  async function metric(service: TestService, labels: string): Promise<number> {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`jit_reconciliation_unexplained_members_total{${labels}}`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  async function grantAlice(): Promise<string> {
    const requestId = randomUUID();
    const send = (draft: EventDraft, actor: string) => publish(nc, enforcing.topology, createEvent(draft, { requestId, actor }, clock));
    await send({ type: 'requested', data: requested(alice.email, aws.id) }, alice.email);
    await send({ type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true } }, 'bob@example.com');
    await waitFor(async () => (await eventsOf(nc, enforcing.topology, 'granted', requestId)).length > 0, { what: 'granted' });
    return requestId;
  }

  it('in enforce mode, a member no grant explains is removed from the managed group and recorded', async () => {
    await addBehindTheBack(sandbox.id, dave.oktaId);

    await reconcile(enforcing);

    expect(await oktaMembers(sandbox.id)).toEqual([]);
    expect(await findings(enforcingDb, sandbox.id)).toEqual([
      { kind: 'unexplained_member', okta_user_id: dave.oktaId, login: dave.email, request_id: null, action: 'removed' },
    ]);
    expect(await metric(enforcing, `application="demo-sandbox",action="removed"`)).toBe(1);
    expect(await (await fetch(`${enforcing.url}/metrics`)).text()).not.toContain(sandbox.id);
  });

  it('in report mode, an unexplained member is reported and left in place', async () => {
    await addBehindTheBack(github.id, dave.oktaId);

    await reconcile(reporting);

    expect(await oktaMembers(github.id)).toEqual([dave.oktaId]);
    expect(await findings(reportingDb, github.id)).toEqual([
      { kind: 'unexplained_member', okta_user_id: dave.oktaId, login: dave.email, request_id: null, action: 'reported' },
    ]);
    expect(await metric(reporting, `application="github-admin",action="reported"`)).toBe(1);
  });

  it('a member with an active grant is left alone', async () => {
    await grantAlice();
    // Past the grant's last change, so only its status can explain the membership.
    clock.advance(60_000);

    await reconcile(enforcing);

    expect(await oktaMembers(aws.id)).toEqual([alice.oktaId]);
    expect(removalsFrom(aws.id)).toEqual([]);
    expect(await findings(enforcingDb, aws.id)).toEqual([]);
  });

  it('a member added by a grant still in progress is left alone', async () => {
    const requestId = randomUUID();
    // Granting commits `granting` before it calls Okta, so the membership can appear before the grant is active;
    // this one is claimed by another replica's granting loop, in the middle of its Okta call.
    await enforcingDb.query(
      `INSERT INTO provisioner.grants (request_id, requester, application_id, application_name, okta_group_id, duration_seconds,
         justification, status, lease_owner, lease_until, created_at, updated_at)
       VALUES ($1, $2, 'demo-sandbox', 'Demo sandbox', $3, 3600, 'testing', 'granting', 'another-replica', $5, $4, $4)`,
      [requestId, dave.email, sandbox.id, new Date(clock.now().getTime() - 60_000), new Date(clock.now().getTime() + 3_600_000)],
    );
    try {
      await addBehindTheBack(sandbox.id, dave.oktaId);
      const before = await findings(enforcingDb, sandbox.id);

      await reconcile(enforcing);

      expect(await oktaMembers(sandbox.id)).toEqual([dave.oktaId]);
      expect(removalsFrom(sandbox.id)).toEqual([]);
      expect(await findings(enforcingDb, sandbox.id)).toEqual(before);
    } finally {
      await enforcingDb.query(`DELETE FROM provisioner.grants WHERE request_id = $1`, [requestId]);
    }
  });

  it('a replica skips the round while another replica holds the reconciliation lease, and takes over once it runs out', async () => {
    await addBehindTheBack(sandbox.id, dave.oktaId);
    const lease = `provisioner.reconciliation_lease`;
    // Another replica took the lease and died mid-round: it holds it until it runs out.
    await enforcingDb.query(
      `INSERT INTO ${lease} (id, owner, until) VALUES ('reconciliation', 'other-replica', $1)
       ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until`,
      [new Date(clock.now().getTime() + 60_000)],
    );

    expect(await enforcing.app.get(ReconciliationLoop).tick()).toBeUndefined();
    expect(await oktaMembers(sandbox.id)).toEqual([dave.oktaId]);

    clock.advance(60_000);
    await reconcile(enforcing);
    expect(await oktaMembers(sandbox.id)).toEqual([]);
    // The round gave the lease back: the next one, on any replica, need not wait.
    const [{ until }] = (await enforcingDb.query(`SELECT until FROM ${lease}`)).rows;
    expect(new Date(until).getTime()).toBeLessThanOrEqual(clock.now().getTime());
  });

  it('in report mode, a grant past its expiry is reported and stays active', async () => {
    const requestId = randomUUID();
    await reportingDb.query(
      `INSERT INTO provisioner.grants (request_id, requester, application_id, application_name, okta_group_id, okta_user_id,
         duration_seconds, justification, status, granted_at, expires_at, created_at, updated_at)
       VALUES ($1, $2, 'github-admin', 'GitHub admin', $3, $4, 3600, 'testing', 'active',
         now() - interval '3 hours', now() - interval '2 hours', now(), now())`,
      [requestId, alice.email, github.id, alice.oktaId],
    );

    const round = await reconcile(reporting);

    expect(round.findings).toContainEqual(expect.objectContaining({ kind: 'overdue_grant', requestId, action: 'reported' }));
    const { rows } = await reportingDb.query(`SELECT status FROM provisioner.grants WHERE request_id = $1`, [requestId]);
    expect(rows).toEqual([{ status: 'active' }]);
  });

  it('in report mode, an overdue grant is recorded once while it lasts and resolved once it no longer holds access', async () => {
    const requestId = randomUUID();
    await reportingDb.query(
      `INSERT INTO provisioner.grants (request_id, requester, application_id, application_name, okta_group_id, okta_user_id,
         duration_seconds, justification, status, granted_at, expires_at, created_at, updated_at)
       VALUES ($1, $2, 'github-admin', 'GitHub admin', $3, $4, 3600, 'testing', 'active',
         now() - interval '3 hours', now() - interval '2 hours', now(), now())`,
      [requestId, dave.email, github.id, dave.oktaId],
    );
    const about = (round: RoundReport) => round.findings.find((finding) => finding.requestId === requestId);

    expect(about(await reconcile(reporting))).toMatchObject({ kind: 'overdue_grant', action: 'reported', new: true });
    expect(about(await reconcile(reporting))).toMatchObject({ kind: 'overdue_grant', action: 'reported', new: false });
    await reportingDb.query(`UPDATE provisioner.grants SET status = 'revoked', revoked_at = now() WHERE request_id = $1`, [requestId]);
    const after = await reconcile(reporting);

    expect(about(after)).toBeUndefined();
    expect(after.resolved).toContainEqual(expect.objectContaining({ kind: 'overdue_grant', requestId }));
    const { rows } = await reportingDb.query(
      `SELECT count(*)::int AS recorded, count(resolved_at)::int AS resolved FROM provisioner.reconciliation_findings WHERE request_id = $1`,
      [requestId],
    );
    expect(rows).toEqual([{ recorded: 1, resolved: 1 }]);
  });

  it('a grant past its expiry whose expired event never came is revoked with reason reconciliation', async () => {
    const requestId = await grantAlice();
    clock.advance((TWO_HOURS_S + 120) * 1000);

    await reconcile(enforcing);

    const [revoked] = await waitFor(
      async () => {
        const events = await eventsOf(nc, enforcing.topology, 'revoked', requestId);
        return events.length > 0 && events;
      },
      { what: 'the overdue grant revoked' },
    );
    expect((revoked as AccessEvent<'revoked'>).data.reason).toBe('reconciliation');
    expect(await oktaMembers(aws.id)).toEqual([]);
    expect(await findings(enforcingDb, aws.id)).toContainEqual({
      kind: 'overdue_grant',
      okta_user_id: alice.oktaId,
      login: alice.email,
      request_id: requestId,
      action: 'revocation_started',
    });
  });

  it('in enforce mode, a member of a shared group no grant explains is only reported, and stays', async () => {
    await okta.addMember(github.id, dave.oktaId);

    const round = await reconcile(enforcing);

    expect(sim.groupMembers(github.id)).toEqual([dave.oktaId]);
    expect(round.findings).toContainEqual(
      expect.objectContaining({ kind: 'unexplained_member', oktaGroupId: github.id, oktaUserId: dave.oktaId, action: 'reported' }),
    );
    expect(round.groups).toContainEqual(expect.objectContaining({ oktaGroupId: github.id, membership: 'shared', enforced: false }));
    await okta.removeMember(github.id, dave.oktaId);
    await reconcile(enforcing);
  });

  it('every catalog group is reconciled, and RECONCILE_MODE=report keeps even an exclusive group to reporting', async () => {
    // The reporting service never granted anything and names only GitHub admin in RECONCILE_GROUPS.
    await okta.addMember(sandbox.id, dave.oktaId);
    await okta.addMember(aws.id, dave.oktaId);

    const round = await reconcile(reporting);

    expect(sim.groupMembers(sandbox.id)).toEqual([dave.oktaId]);
    expect(sim.groupMembers(aws.id)).toEqual([dave.oktaId]);
    expect(round.groups.map(({ oktaGroupId, membership, enforced }) => ({ oktaGroupId, membership, enforced }))).toEqual(
      expect.arrayContaining([
        { oktaGroupId: sandbox.id, membership: 'exclusive', enforced: false },
        { oktaGroupId: aws.id, membership: 'exclusive', enforced: false },
        { oktaGroupId: github.id, membership: 'shared', enforced: false },
      ]),
    );
    for (const groupId of [sandbox.id, aws.id]) {
      expect(await findings(reportingDb, groupId)).toContainEqual(
        expect.objectContaining({ kind: 'unexplained_member', okta_user_id: dave.oktaId, action: 'reported' }),
      );
    }
  });

  it('a finding is recorded, logged and counted once while it persists, and marked resolved when it goes away', async () => {
    await okta.addMember(github.id, dave.oktaId);
    const counted = () => metric(enforcing, `application="github-admin",action="reported"`);
    const before = await counted();
    const openRows = async () =>
      (
        await enforcingDb.query(
          `SELECT found_at, resolved_at FROM provisioner.reconciliation_findings WHERE okta_group_id = $1 AND okta_user_id = $2 AND resolved_at IS NULL`,
          [github.id, dave.oktaId],
        )
      ).rows;

    const first = await reconcile(enforcing);
    const second = await reconcile(enforcing);

    const daveIn = (round: RoundReport) => round.findings.find((f) => f.oktaGroupId === github.id && f.oktaUserId === dave.oktaId);
    expect(daveIn(first)).toMatchObject({ new: true, action: 'reported' });
    expect(daveIn(second)).toMatchObject({ new: false, action: 'reported', foundAt: daveIn(first)!.foundAt });
    expect(await openRows()).toHaveLength(1);
    expect(await counted()).toBe(before + 1);

    await okta.removeMember(github.id, dave.oktaId);
    const third = await reconcile(enforcing);

    expect(daveIn(third)).toBeUndefined();
    expect(third.resolved).toContainEqual(
      expect.objectContaining({ kind: 'unexplained_member', oktaGroupId: github.id, oktaUserId: dave.oktaId }),
    );
    expect(await openRows()).toEqual([]);

    await okta.addMember(github.id, dave.oktaId);
    expect(daveIn(await reconcile(enforcing))).toMatchObject({ new: true });
    expect(await counted()).toBe(before + 2);
    await okta.removeMember(github.id, dave.oktaId);
    await reconcile(enforcing);
  });

  it('a grant still granting past its deadline is found overdue and its end requested, whatever its state', async () => {
    const requestId = randomUUID();
    // Claimed by a replica that died mid-call: its granting loop cannot roll the grant back until the lease runs out.
    await enforcingDb.query(
      `INSERT INTO provisioner.grants (request_id, requester, application_id, application_name, okta_group_id, duration_seconds,
         justification, status, deadline, membership, lease_owner, lease_until, created_at, updated_at)
       VALUES ($1, $2, 'aws-prod-console', 'AWS', $3, 3600, 'testing', 'granting', $4, 'added', 'dead-replica', $5, $4, $4)`,
      [requestId, alice.email, aws.id, new Date(clock.now().getTime() - 120_000), new Date(clock.now().getTime() + 3_600_000)],
    );

    const round = await reconcile(enforcing);

    expect(round.findings).toContainEqual(expect.objectContaining({ kind: 'overdue_grant', requestId, action: 'revocation_started' }));
    const [asked] = await waitFor(
      async () => {
        const events = await eventsOf(nc, enforcing.topology, 'revoke_requested', requestId);
        return events.length > 0 && events;
      },
      { what: 'the end of the overdue grant asked for' },
    );
    expect(asked.data).toMatchObject({ reason: 'reconciliation', by: 'service:provisioner' });
    await enforcingDb.query(`DELETE FROM provisioner.grants WHERE request_id = $1`, [requestId]);
  });

  describe('on demand', () => {
    const errorOf = async (response: Response) => (await response.json()) as { error: { code: string; message: string } };
    const api = (path: string, init: RequestInit = {}, headers: Record<string, string> = { authorization: `Bearer ${DEMO_API_KEY}` }) =>
      fetch(`${enforcing.url}${path}`, { ...init, headers });

    it('POST /v1/reconciliations runs a round at once and answers with what it found and did; GET /v1/reconciliations/latest shows it', async () => {
      await okta.addMember(sandbox.id, dave.oktaId);

      const response = await api('/v1/reconciliations', { method: 'POST' });

      expect(response.status).toBe(200);
      const round = (await response.json()) as { findings: unknown[]; groups: unknown[] };
      expect(round).toMatchObject({ trigger: 'request', mode: 'enforce' });
      expect(round.findings).toContainEqual(
        expect.objectContaining({
          kind: 'unexplained_member',
          oktaGroupId: sandbox.id,
          oktaUserId: dave.oktaId,
          action: 'removed',
          new: true,
        }),
      );
      expect(round.groups).toContainEqual(expect.objectContaining({ oktaGroupId: sandbox.id, membership: 'exclusive', enforced: true }));
      expect(sim.groupMembers(sandbox.id)).toEqual([]);

      const latest = await api('/v1/reconciliations/latest');
      expect(latest.status).toBe(200);
      expect(await latest.json()).toEqual(round);
    });

    it("the latest round's findings come in pages, each finding once, and a page over the largest is a 400 naming limit", async () => {
      const full = (await (await api('/v1/reconciliations/latest')).json()) as { findings: unknown[] };
      const seen: unknown[] = [];
      let cursor: string | null = null;
      do {
        const page = (await (await api(`/v1/reconciliations/latest?limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json()) as {
          findings: unknown[];
          nextCursor: string | null;
        };
        expect(page.findings.length).toBeLessThanOrEqual(1);
        seen.push(...page.findings);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(full.findings);
      const tooMany = await api('/v1/reconciliations/latest?limit=1001');
      expect(tooMany.status).toBe(400);
      expect((await errorOf(tooMany)).error.message).toMatch(/^limit: must be at most 1000/);
    });

    it('answers 409 while another round is running', async () => {
      await enforcingDb.query(
        `UPDATE provisioner.reconciliation_lease SET owner = 'other-replica', until = $1 WHERE id = 'reconciliation'`,
        [new Date(clock.now().getTime() + 60_000)],
      );
      try {
        const response = await api('/v1/reconciliations', { method: 'POST' });

        expect(response.status).toBe(409);
        expect((await errorOf(response)).error).toMatchObject({ code: 'conflict', message: expect.stringContaining('running') });
      } finally {
        await enforcingDb.query(`UPDATE provisioner.reconciliation_lease SET until = $1 WHERE id = 'reconciliation'`, [clock.now()]);
      }
    });

    it('only an API key acting as itself may use it: a person, or a key acting for one, is refused saying why', async () => {
      const person = (await sim.mintToken({ sub: alice.email })).access_token;
      for (const path of ['/v1/reconciliations', '/v1/reconciliations/latest']) {
        const method = path.endsWith('latest') ? 'GET' : 'POST';
        const asPerson = await api(path, { method }, { authorization: `Bearer ${person}` });
        expect(asPerson.status).toBe(403);
        expect((await errorOf(asPerson)).error.message).toBe(
          `${alice.email} may not use reconciliation: only an API key acting as itself (an operator's tool) may`,
        );
        const forPerson = await api(path, { method }, { authorization: `Bearer ${DEMO_API_KEY}`, 'on-behalf-of': alice.email });
        expect(forPerson.status).toBe(403);
        expect((await errorOf(forPerson)).error.message).toContain(`API key demo acting for ${alice.email} may not use reconciliation`);
        expect((await api(path, { method }, {})).status).toBe(401);
      }
    });
  });
});
