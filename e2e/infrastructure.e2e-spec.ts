import { PrivateNatsServer, waitFor } from '@jit/events/testing';
import { generatedPerson, seedGroups } from '../tools/vendor-sim/src/index.js';
import { PrivatePostgres, killNatsServer } from './support/infrastructure.js';
import { expectInvariants } from './support/invariants.js';
import { isMember, requestAccess, timelineTypesOnce, waitForMembership, waitForStatus } from './support/requests.js';
import { startSystem, waitForEveryService, type RunningSystem } from './support/system.js';

const sandbox = seedGroups.demoSandbox.id;

// This file kills its own nats-server and restarts its own Postgres: the shared ones must never go down under other tests.
describe('the event bus or the database going down', () => {
  let nats: PrivateNatsServer;
  let postgres: PrivatePostgres;
  let system: RunningSystem;

  beforeAll(async () => {
    [nats, postgres] = await Promise.all([PrivateNatsServer.start(), PrivatePostgres.start()]);
    system = await startSystem(
      'infrastructure',
      // An attempt whose retry cannot be recorded while Postgres is down waits for its claim to run out: keep that short.
      { CLAIM_LEASE_MS: '5000' },
      { natsUrl: nats.url, databaseUrl: postgres.url, sim: { generatedPeople: 20 } },
    );
  });

  afterAll(async () => {
    try {
      await system?.stop();
    } finally {
      await nats?.stop();
      await postgres?.stop();
    }
  });

  it('revokes access whose expiry came while nats-server was killed, once it is back on the same store', async () => {
    const person = generatedPerson(1);
    const id = await requestAccess(system, person.login, 'demo-sandbox', '10s');
    const expiresAt = Date.parse((await waitForStatus(system, id, 'granted')).expiresAt!);

    // Killed in the second before the expiry, so the expiry falls inside the outage.
    await waitFor(() => Date.now() >= expiresAt - 1000, { timeoutMs: 15_000, intervalMs: 10, what: 'the moment of expiry' });
    await killNatsServer(nats);
    try {
      await waitForEveryService(system, 'nats', false);
      await waitFor(() => Date.now() > expiresAt + 1000, { what: 'the expiry to pass while the bus is down' });
      // The scheduler's `expired` waits in its outbox; nothing else can tell the provisioner.
      expect(await isMember(system, sandbox, person.oktaId)).toBe(true);
    } finally {
      await nats.restart();
    }
    await waitForEveryService(system, 'nats', true);
    const revoked = await waitForStatus(system, id, 'revoked');
    expect(revoked.reason).toBe('expired');
    expect(await isMember(system, sandbox, person.oktaId)).toBe(false);

    await expectInvariants(system, { requestIds: [id] });
  });

  it('grants and revokes every request exactly once when Postgres restarts while their events flow', async () => {
    const people = Array.from({ length: 8 }, (_, i) => generatedPerson(i + 2));
    const ids = await Promise.all(people.map((p) => requestAccess(system, p.login, 'demo-sandbox', '10s')));

    // Mid-flow: approvals, grants and audit records of these requests are being committed right now.
    await postgres.down();
    try {
      await waitForEveryService(system, 'postgres', false);
    } finally {
      await postgres.up();
    }
    await waitForEveryService(system, 'postgres', true);

    for (const [i, id] of ids.entries()) {
      const revoked = await waitForStatus(system, id, 'revoked', 60_000);
      expect({ id, reason: revoked.reason }).toEqual({ id, reason: 'expired' });
      await waitForMembership(system, sandbox, people[i].oktaId, false);
    }
    for (const id of ids) {
      const types = await timelineTypesOnce(system, id, (t) => t.includes('revoked'));
      expect({ id, granted: types.filter((t) => t === 'granted').length }).toEqual({ id, granted: 1 });
    }

    await expectInvariants(system, { requestIds: ids });
  }, 120_000);
});
