import { waitFor } from '@jit/events/testing';
import { generatedPerson, seedGroups } from '../tools/vendor-sim/src/index.js';
import { expectInvariants } from './support/invariants.js';
import { requestAccess, requestView, timelineTypesOnce, waitForMembership, waitForStatus } from './support/requests.js';
import { startSystem, type RunningSystem } from './support/system.js';

const sandbox = seedGroups.demoSandbox.id;

describe('two replicas of the provisioner and the scheduler', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem(
      'replicas',
      // A short lease, so the grants a killed provisioner held are taken over within seconds; and a short
      // ack wait, so the events a killed replica had pulled and not yet acknowledged (a `granted` the
      // scheduler was about to arm a timer for, say) come back to the other in seconds, not the default 30.
      { CLAIM_LEASE_MS: '4000', CONSUMER_ACK_WAIT_MS: '5000' },
      { replicas: { provisioner: 2, scheduler: 2 }, sim: { generatedPeople: 10 } },
    );
  });

  afterAll(() => system?.stop());

  it('grants and revokes every grant exactly once when one replica of each is killed mid-run', async () => {
    // Slow Okta adds keep grants in flight on both provisioners when one of them dies.
    const slowAdds = system.sim.addFault({
      vendor: 'okta',
      method: 'PUT',
      path: `/api/v1/groups/${sandbox}/users/*`,
      latencyMs: 1500,
      seconds: 20,
    });
    const people = Array.from({ length: 10 }, (_, i) => generatedPerson(i + 1));
    const ids = await Promise.all(people.map((p) => requestAccess(system, p.login, 'demo-sandbox', '10s')));

    await waitFor(() => system.sim.faults().find((f) => f.id === slowAdds.id && f.hits >= 4), { what: 'Okta adds in flight' });
    await system.kill('provisioner');

    const firstExpiry = await waitFor(
      async () => {
        const views = await Promise.all(ids.map((id) => requestView(system, id)));
        const expiries = views.flatMap((v) => (v.expiresAt ? [Date.parse(v.expiresAt)] : []));
        return expiries.length > 0 && Math.min(...expiries);
      },
      { what: 'an expiry to be known' },
    );
    await waitFor(() => Date.now() >= firstExpiry - 200, { timeoutMs: 15_000, intervalMs: 10, what: 'the first expiry to near' });
    await system.kill('scheduler');

    for (const [i, id] of ids.entries()) {
      const revoked = await waitForStatus(system, id, 'revoked', 60_000);
      expect({ id, reason: revoked.reason }).toEqual({ id, reason: 'expired' });
      await waitForMembership(system, sandbox, people[i].oktaId, false);
    }
    for (const id of ids) {
      const types = await timelineTypesOnce(system, id, (t) => t.includes('revoked'));
      const count = (type: string): number => types.filter((t) => t === type).length;
      expect({ id, granted: count('granted'), expired: count('expired'), revoked: count('revoked') }).toEqual({
        id,
        granted: 1,
        expired: 1,
        revoked: 1,
      });
    }

    await expectInvariants(system, { requestIds: ids });
  }, 120_000);
});
