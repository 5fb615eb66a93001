import { subjectFor } from '@jit/events';
import { waitFor } from '@jit/events/testing';
import { generatedPerson, seedGroups } from '../tools/vendor-sim/src/index.js';
import { deadLetters, poisonExpired, publishRaw } from './support/bus.js';
import { expectInvariants } from './support/invariants.js';
import { isMember, requestAccess, requestView, timeline, timelineOnce, timelineTypesOnce, waitForStatus } from './support/requests.js';
import { jiraIssue, serviceNames, startSystem, type RunningSystem } from './support/system.js';

const sandbox = seedGroups.demoSandbox.id;

describe('vendors failing and poison on the bus', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem(
      'outages',
      // Short retry delays, so an outage's end is noticed within seconds rather than minutes.
      { REVOKE_BACKOFF_MAX_MS: '2000', TICKET_BACKOFF_MAX_MS: '2000' },
      { sim: { generatedPeople: 10 } },
    );
  });

  afterAll(() => system?.stop());

  async function clearFaults(): Promise<void> {
    await fetch(`${system.sim.url}/_sim/faults`, { method: 'DELETE' });
  }

  afterEach(clearFaults);

  it('grants and revokes on time while Jira answers 503, and files and closes the ticket once Jira is back', async () => {
    const jiraDown = system.sim.addFault({ vendor: 'jira', path: '/rest/api/3/*', status: 503, seconds: 600 });
    const person = generatedPerson(2);
    const id = await requestAccess(system, person.login, 'demo-sandbox', '10s');

    const granted = await waitForStatus(system, id, 'granted');
    // Jira is a record, not access: the outage costs Okta nothing.
    const requestedAt = Date.parse((await timelineOnce(system, id, (t) => t.includes('requested')))[0].occurredAt);
    expect(Date.parse(granted.grantedAt!) - requestedAt).toBeLessThan(5000);
    expect(Date.parse(granted.expiresAt!) - Date.parse(granted.grantedAt!)).toBe(10_000);
    const revoked = await waitForStatus(system, id, 'revoked', 30_000);
    expect(revoked.reason).toBe('expired');
    expect(Date.parse(revoked.revokedAt!) - Date.parse(granted.expiresAt!)).toBeLessThan(3000);
    expect(await isMember(system, sandbox, person.oktaId)).toBe(false);
    expect(system.sim.faults().find((f) => f.id === jiraDown.id)!.hits).toBeGreaterThan(0);
    expect((await timeline(system, id)).map((e) => e.type)).not.toContain('ticket_opened');

    await clearFaults();
    const types = await timelineTypesOnce(system, id, (t) => t.includes('ticket_closed'));
    expect(types.filter((t) => t.startsWith('ticket_'))).toEqual(['ticket_opened', 'ticket_closed']);
    const ticketKey: string = (await timeline(system, id)).find((e) => e.type === 'ticket_opened')!.data.ticketKey;
    expect((await jiraIssue(system, ticketKey)).fields?.status.name).toBe('Done');

    await expectInvariants(system, { requestIds: [id] });
  });

  it('dead-letters a poison expired in every consumer, and the grant still ends at its expiry', async () => {
    const person = generatedPerson(3);
    const id = await requestAccess(system, person.login, 'demo-sandbox', '10s');
    const granted = await waitForStatus(system, id, 'granted');

    // A well-formed envelope whose data breaks the expired contract, ahead of the real expiry of the same request.
    const poison = poisonExpired(id, 'at some point');
    await publishRaw(system, 'expired', JSON.stringify(poison));
    const expiredSubject = subjectFor(system.topology, 'expired');
    const letters = await waitFor(
      async () => {
        const found = (await deadLetters(system)).filter((l) => l.subject === expiredSubject && l.payload.includes(poison.id));
        return found.length === serviceNames.length && found;
      },
      { what: 'the poison dead-lettered by every consumer' },
    );
    expect(letters.map((l) => l.consumer).sort()).toEqual([...serviceNames].sort());
    for (const letter of letters) expect(letter.reason).toMatch(/invalid expired v1 data: expiresAt/);
    expect((await requestView(system, id)).status).toBe('granted');

    // The followers of the dead letter, the real expiry among them, are handled as if it had never come.
    const revoked = await waitForStatus(system, id, 'revoked', 30_000);
    expect(revoked.reason).toBe('expired');
    expect(Date.parse(revoked.revokedAt!) - Date.parse(granted.expiresAt!)).toBeLessThan(3000);
    expect(await isMember(system, sandbox, person.oktaId)).toBe(false);
    const types = await timelineTypesOnce(system, id, (t) => t.includes('ticket_closed'));
    expect(types).toEqual(['requested', 'approval_opened', 'approved', 'granted', 'ticket_opened', 'expired', 'revoked', 'ticket_closed']);

    await expectInvariants(system, { requestIds: [id] });
  });

  // Last in the file: after a 429 the provisioner holds every Okta call until the window resets, as Okta asks.
  it('ends access once Okta is back after answering 503 and then 429 for a stretch at revoke time', async () => {
    const person = generatedPerson(1);
    const id = await requestAccess(system, person.login, 'demo-sandbox', '10s');
    const expiresAt = Date.parse((await waitForStatus(system, id, 'granted')).expiresAt!);

    await waitFor(() => Date.now() >= expiresAt - 1000, { timeoutMs: 15_000, intervalMs: 20, what: 'the expiry to near' });
    const removal = { vendor: 'okta', method: 'DELETE', path: `/api/v1/groups/${sandbox}/users/${person.oktaId}` } as const;
    // The oldest matching fault answers: 503 for the first 4 s, then 429 until 8 s.
    const unavailable = system.sim.addFault({ ...removal, status: 503, seconds: 4 });
    const tooMany = system.sim.addFault({ ...removal, status: 429, seconds: 8 });

    await waitFor(() => system.sim.faults().find((f) => f.id === unavailable.id && f.hits > 0), { what: 'a removal answered 503' });
    await waitFor(() => system.sim.faults().find((f) => f.id === tooMany.id && f.hits > 0), {
      timeoutMs: 15_000,
      what: 'a removal answered 429',
    });
    expect(await isMember(system, sandbox, person.oktaId)).toBe(true);
    expect((await requestView(system, id)).status).toBe('granted');

    // Okta's 429 says when its window resets: up to a minute later.
    const revoked = await waitForStatus(system, id, 'revoked', 75_000);
    expect(revoked.reason).toBe('expired');
    expect(await isMember(system, sandbox, person.oktaId)).toBe(false);
    const types = await timelineTypesOnce(system, id, (t) => t.includes('revoked'));
    expect(types).toContain('revoke_failed');

    await expectInvariants(system, { requestIds: [id] });
  }, 120_000);
});
