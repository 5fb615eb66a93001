import { PrivateNatsServer, waitFor } from '@jit/events/testing';
import { generatedPerson, seedGroups } from '../tools/vendor-sim/src/index.js';
import { PrivatePostgres } from './support/infrastructure.js';
import { expectInvariants } from './support/invariants.js';
import { requestAccess, requestView, waitForMembership } from './support/requests.js';
import { startSystem, waitForEveryService, type RunningSystem } from './support/system.js';

const sandbox = seedGroups.demoSandbox.id;

describe('a Postgres restart in the middle of a grant', () => {
  let nats: PrivateNatsServer;
  let postgres: PrivatePostgres;
  let system: RunningSystem;

  beforeAll(async () => {
    [nats, postgres] = await Promise.all([PrivateNatsServer.start(), PrivatePostgres.start()]);
    // The default claim lease (CLAIM_LEASE_MS, 120 s).
    system = await startSystem('lease_outage', {}, { natsUrl: nats.url, databaseUrl: postgres.url, sim: { generatedPeople: 2 } });
  });

  afterAll(async () => {
    try {
      await system?.stop();
    } finally {
      await nats?.stop();
      await postgres?.stop();
    }
  });

  it('a membership added while Postgres restarts never outlives its grant’s deadline', async () => {
    const person = generatedPerson(1);
    const slowAdd = system.sim.addFault({
      vendor: 'okta',
      method: 'PUT',
      path: `/api/v1/groups/${sandbox}/users/${person.oktaId}`,
      latencyMs: 2000,
      count: 1,
    });
    const id = await requestAccess(system, person.login, 'demo-sandbox', '10s');
    await waitFor(() => !system.sim.faults().some((f) => f.id === slowAdd.id), { what: 'the add in flight' });
    // Postgres goes down while Okta works on the add, and is back a moment later.
    await postgres.down();
    await waitForMembership(system, sandbox, person.oktaId, true);
    await postgres.up();
    await waitForEveryService(system, 'postgres', true);
    expect((await requestView(system, id)).status).toBe('approved');

    await expectInvariants(system, { requestIds: [id], timeoutMs: 30_000 });
  }, 120_000);
});
