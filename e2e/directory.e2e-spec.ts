import { waitFor } from '@jit/events/testing';
import { generatedPerson, seedGroups, seedPeople } from '../tools/vendor-sim/src/index.js';
import { expectInvariants, invariantViolations } from './support/invariants.js';
import { caughtUp, deadLetters, poisonExpired, publishRaw } from './support/bus.js';
import { isMember, relinquish, requestAccess, requestView, timelineOnce, waitForStatus } from './support/requests.js';
import { ApiClient, serviceNames, startSystem, type RunningSystem } from './support/system.js';

const oktaAdmin = { authorization: 'SSWS e2e-okta-token', accept: 'application/json' };

describe('reconciliation: Okta changed by hand, the directory moving on, an expiry lost', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    // Reconciliation runs once at start-up, then only when asked, so each test decides when a round happens.
    system = await startSystem(
      'directory',
      { RECONCILE_INTERVAL_MS: '3600000', RECONCILE_EXPIRY_GRACE_MS: '5000' },
      { sim: { generatedPeople: 10 } },
    );
    await waitFor(async () => (await ApiClient.apiKey(system).call('provisioner', 'GET', '/v1/reconciliations/latest')).status === 200, {
      what: 'the start-up reconciliation round',
    });
  });

  afterAll(() => system?.stop());

  /** An Okta administrator's call on the simulator's management API. */
  async function okta(method: string, path: string): Promise<number> {
    return (await fetch(`${system.sim.url}/api/v1${path}`, { method, headers: oktaAdmin })).status;
  }

  /** Runs a reconciliation round as an operator's tool does, waiting out a round already running. */
  function reconcile(): Promise<{ findings: { kind: string; oktaGroupId: string; oktaUserId?: string; action: string }[] }> {
    return waitFor(
      async () => {
        const { status, body } = await ApiClient.apiKey(system).call('provisioner', 'POST', '/v1/reconciliations');
        if (status !== 200 && status !== 409) throw new Error(`POST /v1/reconciliations answered ${status}: ${JSON.stringify(body)}`);
        return status === 200 && body;
      },
      { what: 'a reconciliation round' },
    );
  }

  /** Decides `id`'s current approval stage as `approver` once it is theirs to decide. */
  async function approve(id: string, approver: string): Promise<void> {
    const client = await ApiClient.as(system, approver);
    await waitFor(
      async () => (await client.call('approval', 'POST', `/v1/approvals/${id}/decision`, { decision: 'approve' })).status === 200,
      {
        what: `${approver} approving ${id}`,
      },
    );
  }

  it('removes a member added by hand to an exclusive group when reconciliation runs', async () => {
    const person = generatedPerson(1);
    const group = seedGroups.awsProdConsole.id;
    expect(await okta('PUT', `/groups/${group}/users/${person.oktaId}`)).toBe(204);
    expect(await invariantViolations(system, { requestIds: [] })).toEqual([
      `${person.oktaId} is in Okta group ${group} with no active grant explaining it`,
    ]);

    const round = await reconcile();
    expect(round.findings).toContainEqual(
      expect.objectContaining({ kind: 'unexplained_member', oktaGroupId: group, oktaUserId: person.oktaId, action: 'removed' }),
    );
    expect(await isMember(system, group, person.oktaId)).toBe(false);

    await expectInvariants(system, { requestIds: [] });
  });

  it('keeps a permanent member of a shared group a member after their JIT access to it ends', async () => {
    const person = generatedPerson(2);
    const group = seedGroups.githubAdmin.id;
    expect(await okta('PUT', `/groups/${group}/users/${person.oktaId}`)).toBe(204);

    const id = await requestAccess(system, person.login, 'github-admin', 'PT5M');
    await approve(id, seedPeople.bob.email);
    await approve(id, seedPeople.carol.email);
    await waitForStatus(system, id, 'granted');
    // The grant records the membership it found, so the audit trail explains it after the grant ends.
    const [granted] = (await timelineOnce(system, id, (t) => t.includes('granted'))).filter((e) => e.type === 'granted');
    expect(granted.data.membership).toBe('preexisting');
    await relinquish(system, id, person.login);
    expect((await waitForStatus(system, id, 'revoked')).reason).toBe('relinquished');
    expect(await isMember(system, group, person.oktaId)).toBe(true);

    // A shared group's members the system did not add are reported, never removed.
    const round = await reconcile();
    expect(round.findings.filter((f) => f.oktaUserId === person.oktaId).map((f) => f.action)).not.toContain('removed');
    expect(await isMember(system, group, person.oktaId)).toBe(true);

    await expectInvariants(system, { requestIds: [id] });
  });

  it('closes the pending request and revokes the granted one of a requester deactivated in Okta, after a reconciliation round', async () => {
    const person = generatedPerson(3);
    const pending = await requestAccess(system, person.login, 'aws-prod-console', 'PT30M');
    const granted = await requestAccess(system, person.login, 'demo-sandbox', '30m');
    await waitForStatus(system, granted, 'granted');
    await waitForStatus(system, pending, 'pending');

    expect(await okta('POST', `/users/${person.oktaId}/lifecycle/deactivate`)).toBe(200);
    // People are looked up a few per round, so a round may not reach this one at once.
    await waitFor(
      async () => {
        await reconcile();
        const views = await Promise.all(
          [pending, granted].map(async (id) => (await ApiClient.apiKey(system).call('intake', 'GET', `/v1/requests/${id}`)).body),
        );
        return views[0].status === 'cancelled' && views[1].status === 'revoked';
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'both requests ended' },
    );
    expect((await waitForStatus(system, pending, 'cancelled')).reason).toBe('requester_deactivated');
    expect((await waitForStatus(system, granted, 'revoked')).reason).toBe('deprovisioned');
    expect(await isMember(system, seedGroups.demoSandbox.id, person.oktaId)).toBe(false);

    await expectInvariants(system, { requestIds: [pending, granted] });
  });

  it('revokes a grant whose only expired event was poison, from the expiry the provisioner keeps in Postgres', async () => {
    const person = generatedPerson(4);
    const id = await requestAccess(system, person.login, 'demo-sandbox', '10s');
    const granted = await waitForStatus(system, id, 'granted');
    // No scheduler: the expiry's one message on the bus is a broken one.
    await system.kill('scheduler');
    await waitFor(() => Date.now() > Date.parse(granted.expiresAt!), { timeoutMs: 15_000, what: 'the expiry' });
    const poison = poisonExpired(id, 'when the grant ends');
    await publishRaw(system, 'expired', JSON.stringify(poison));
    await waitFor(async () => (await deadLetters(system)).filter((l) => l.payload.includes(poison.id)).length === serviceNames.length - 1, {
      what: 'the poison dead-lettered by every running consumer',
    });
    expect(await isMember(system, seedGroups.demoSandbox.id, person.oktaId)).toBe(true);

    // The provisioner holds the grant's expiry itself; a round past its grace period (5 s here) ends the access.
    const revoked = await waitFor(
      async () => {
        await reconcile();
        const view = await requestView(system, id);
        return view.status === 'revoked' && view;
      },
      { timeoutMs: 30_000, intervalMs: 1000, what: 'the overdue grant revoked' },
    );
    expect(revoked.reason).toBe('reconciliation');
    expect(await isMember(system, seedGroups.demoSandbox.id, person.oktaId)).toBe(false);

    // The scheduler back hears of the revocation (or fires its overdue timer first): either way nothing changes.
    await system.start('scheduler');
    // A restarted process first loads, migrates and catches up on the stream: on a loaded CI machine more than 10 s.
    await waitFor(() => caughtUp(system, 'scheduler'), { timeoutMs: 30_000, what: 'the scheduler caught up' });
    expect(await requestView(system, id)).toMatchObject({ status: 'revoked', reason: 'reconciliation' });

    await expectInvariants(system, { requestIds: [id] });
  }, 90_000);
});
