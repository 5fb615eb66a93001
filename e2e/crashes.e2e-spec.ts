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

const sandbox = seedGroups.demoSandbox.id;

describe('a service that crashes at the worst moment', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    // A short lease, so a grant claimed by a killed provisioner is taken over within seconds.
    system = await startSystem('crashes', { CLAIM_LEASE_MS: '4000' }, { sim: { generatedPeople: 10 } });
  });

  afterAll(() => system?.stop());

  it('a provisioner killed after the Okta add and before its commit leaves a grant completed exactly once', async () => {
    const person = generatedPerson(1);
    const fault = system.sim.addFault({
      vendor: 'okta',
      method: 'PUT',
      path: `/api/v1/groups/${sandbox}/users/${person.oktaId}`,
      latencyMs: 3000,
      seconds: 60,
    });
    const id = await requestAccess(system, person.login, 'demo-sandbox', '2m');
    await waitFor(() => system.sim.faults().find((f) => f.id === fault.id && f.hits > 0), { what: 'the Okta add in flight' });

    await system.kill('provisioner');
    await fetch(`${system.sim.url}/_sim/faults`, { method: 'DELETE' });
    // Okta finishes the add the dead process asked for: the membership exists and nothing recorded it.
    await waitForMembership(system, sandbox, person.oktaId, true);
    expect((await requestView(system, id)).status).toBe('approved');

    await system.start('provisioner');
    const granted = await waitForStatus(system, id, 'granted');
    expect(Date.parse(granted.expiresAt!) - Date.parse(granted.grantedAt!)).toBe(120_000);
    await relinquish(system, id, person.login);
    await waitForStatus(system, id, 'revoked');
    expect(await isMember(system, sandbox, person.oktaId)).toBe(false);
    const types = await timelineTypesOnce(system, id, (t) => t.includes('revoked'));
    expect(types.filter((t) => t === 'granted')).toHaveLength(1);

    await expectInvariants(system, { requestIds: [id] });
  });

  it('revokes access that expired while the scheduler was down, once it is back', async () => {
    const person = generatedPerson(2);
    const id = await requestAccess(system, person.login, 'demo-sandbox', '10s');
    const granted = await waitForStatus(system, id, 'granted');

    await system.kill('scheduler');
    await waitFor(() => Date.now() > Date.parse(granted.expiresAt!) + 1000, { timeoutMs: 20_000, what: 'the expiry to pass' });
    // Nothing ends the access while nobody keeps its time.
    expect(await isMember(system, sandbox, person.oktaId)).toBe(true);
    expect((await requestView(system, id)).status).toBe('granted');

    await system.start('scheduler');
    const revoked = await waitForStatus(system, id, 'revoked');
    expect(revoked.reason).toBe('expired');
    expect(await isMember(system, sandbox, person.oktaId)).toBe(false);

    await expectInvariants(system, { requestIds: [id] });
  });
});
