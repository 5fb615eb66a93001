import { waitFor } from '@jit/events/testing';
import { generatedPerson, seedGroups } from '../tools/vendor-sim/src/index.js';
import { expectInvariants } from './support/invariants.js';
import {
  isMember,
  relinquish,
  requestAccess,
  requestView,
  timelineTypesOnce,
  waitForMembership,
  waitForStatus,
} from './support/requests.js';
import { startSystem, type RunningSystem } from './support/system.js';
import type { ServiceProcess } from './support/processes.js';

const sandbox = seedGroups.demoSandbox.id;

/** How many events a replica found already handled by another (its `/metrics`). */
async function duplicatesHandled(replica: ServiceProcess): Promise<number> {
  const metrics = await (await fetch(`${replica.url}/metrics`)).text();
  return [...metrics.matchAll(/^jit_events_handled_total\{[^}]*outcome="duplicate"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

describe('events of one request arriving out of order', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem(
      'races',
      // A frozen replica's deliveries go to the other replica after 1.5 s without an ack or a heartbeat. Reconciliation
      // enforces the JIT-only group every 2 s: it is what removes an add Okta applies after the grant gave up on it.
      // Two applications share the sandbox's group: how one person holds two overlapping grants of one group.
      {
        CONSUMER_ACK_WAIT_MS: '1500',
        RECONCILE_MODE: 'enforce',
        RECONCILE_INTERVAL_MS: '2000',
        RECONCILE_GROUPS: sandbox,
        CATALOG_FILE: 'e2e/support/catalog.overlap.json',
      },
      { replicas: { intake: 2, scheduler: 2 }, sim: { generatedPeople: 10 } },
    );
  });

  afterAll(() => system?.stop());

  it('very short grants end revoked, once, and no timer fires for a revoked grant, while a frozen replica lets later events overtake earlier ones', async () => {
    // A replica that stops (a long GC pause, a frozen VM) holds what it was delivered until the server gives it to
    // the other: approved can then arrive after expired, granted after revoked.
    const frozen = [system.replicas.intake[1], system.replicas.scheduler[1]];
    for (const replica of frozen) replica.child.kill('SIGSTOP');
    const people = Array.from({ length: 6 }, (_, i) => generatedPerson(i + 1));
    const ids: string[] = [];
    try {
      ids.push(...(await Promise.all(people.map((p) => requestAccess(system, p.login, 'demo-sandbox', '10s')))));
      // The first three are given up as soon as they are granted; the others run out.
      await Promise.all(
        ids.slice(0, 3).map(async (id, i) => {
          await waitForStatus(system, id, 'granted');
          await relinquish(system, id, people[i].login);
        }),
      );
      for (const [i, id] of ids.entries()) {
        const revoked = await waitForStatus(system, id, 'revoked', 45_000);
        expect({ id, reason: revoked.reason }).toEqual({ id, reason: i < 3 ? 'relinquished' : 'expired' });
        await waitForMembership(system, sandbox, people[i].oktaId, false);
      }
    } finally {
      for (const replica of frozen) replica.child.kill('SIGCONT');
    }

    // Thawed, each replica finds what it held already handled by the other, and changes nothing.
    await waitFor(async () => (await Promise.all(frozen.map(duplicatesHandled))).every((n) => n > 0), {
      what: 'the thawed replicas to meet the events they held',
    });
    for (const [i, id] of ids.entries()) {
      expect(await requestView(system, id)).toMatchObject({
        id,
        status: 'revoked',
        reason: i < 3 ? 'relinquished' : 'expired',
      });
      const types = await timelineTypesOnce(system, id, (t) => t.includes('revoked'));
      // A timer never fires for access that is already revoked.
      expect({ id, expiredAfterRevoked: types.indexOf('expired') > types.indexOf('revoked') }).toEqual({ id, expiredAfterRevoked: false });
      if (i < 3) expect({ id, expired: types.includes('expired') }).toEqual({ id, expired: false });
    }

    await expectInvariants(system, { requestIds: ids });
  });

  it('a very short grant whose Okta add outlasts its time is rolled back and leaves no access, though Okta applies the add late', async () => {
    const person = generatedPerson(8);
    // The first add hangs past the client's timeout and the grant's whole duration, and Okta still applies it late.
    const slowAdd = system.sim.addFault({
      vendor: 'okta',
      method: 'PUT',
      path: `/api/v1/groups/${sandbox}/users/${person.oktaId}`,
      latencyMs: 11_000,
      count: 1,
    });
    const id = await requestAccess(system, person.login, 'demo-sandbox', '10s');
    await waitFor(() => !system.sim.faults().some((f) => f.id === slowAdd.id), { what: 'the add to reach Okta' });
    const addLandsAt = Date.now() + slowAdd.latencyMs!;

    const failed = await waitForStatus(system, id, 'failed', 30_000);
    expect(failed.reason).toMatch(/deadline/);
    // Okta applies the add the grant gave up on only now, after the rollback.
    await waitFor(() => Date.now() > addLandsAt + 500, { timeoutMs: 15_000, what: 'the late add applied' });

    await expectInvariants(system, { requestIds: [id], timeoutMs: 30_000 });
  });

  it('keeps the membership a second overlapping grant (another application on the same group) still justifies when the first is revoked early', async () => {
    const person = generatedPerson(7);
    const first = await requestAccess(system, person.login, 'demo-sandbox', '20s');
    await waitForStatus(system, first, 'granted');
    // One open request per person and application: the overlap comes from a second application on the same group.
    const second = await requestAccess(system, person.login, 'demo-sandbox-mirror', '10s');
    await waitForStatus(system, second, 'granted');

    await relinquish(system, first, person.login);
    await waitForStatus(system, first, 'revoked');
    expect(await isMember(system, sandbox, person.oktaId)).toBe(true);
    expect((await requestView(system, second)).status).toBe('granted');

    const revoked = await waitForStatus(system, second, 'revoked');
    expect(revoked.reason).toBe('expired');
    expect(await isMember(system, sandbox, person.oktaId)).toBe(false);

    await expectInvariants(system, { requestIds: [first, second] });
  });
});
