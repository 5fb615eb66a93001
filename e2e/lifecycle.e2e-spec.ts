import { jetstreamManager } from '@nats-io/jetstream';
import { connectTestNats, waitFor } from '@jit/events/testing';
import { seedGroups, seedPeople } from '../tools/vendor-sim/src/index.js';
import { ApiClient, jiraIssue, oktaGroupMembers, startSystem, type RunningSystem } from './support/system.js';

const alice = seedPeople.alice;

describe('the access lifecycle through every service', () => {
  let system: RunningSystem;
  let asAlice: ApiClient;
  let asBob: ApiClient;
  let asDave: ApiClient;

  beforeAll(async () => {
    system = await startSystem('lifecycle');
    asAlice = await ApiClient.as(system, alice.email);
    asBob = await ApiClient.as(system, seedPeople.bob.email);
    asDave = await ApiClient.as(system, seedPeople.dave.email);
  });

  afterAll(() => system?.stop());

  async function statusOf(id: string, until: (body: any) => boolean, what: string, timeoutMs = 30_000): Promise<any> {
    return waitFor(
      async () => {
        const { body } = await asAlice.call('intake', 'GET', `/v1/requests/${id}`);
        return until(body) && body;
      },
      { timeoutMs, what },
    );
  }

  async function timeline(id: string): Promise<any[]> {
    return (await asDave.call('audit', 'GET', `/v1/audit/requests/${id}/timeline`)).body?.events ?? [];
  }

  async function streamLength(): Promise<number> {
    const nc = await connectTestNats();
    try {
      return (await (await jetstreamManager(nc)).streams.info(system.stream)).state.messages;
    } finally {
      await nc.close();
    }
  }

  it('grants a 15-second demo-sandbox request in Okta and Jira, then revokes it when it expires', async () => {
    const created = await asAlice.call('intake', 'POST', '/v1/requests', {
      applicationId: 'demo-sandbox',
      duration: '15s',
      justification: 'e2e: INC-42',
    });
    expect(created).toMatchObject({ status: 202, body: { status: 'pending' } });
    const id = created.body.id;

    const granted = await statusOf(id, (r) => r.status === 'granted', 'granted');
    expect(Date.parse(granted.expiresAt) - Date.parse(granted.grantedAt)).toBe(15_000);
    expect(await oktaGroupMembers(system, seedGroups.demoSandbox.id)).toContain(alice.oktaId);
    // Jira is a record, not access: the ticket follows the grant, and the audit trail names it.
    const ticketKey: string = await waitFor(async () => (await timeline(id)).find((e) => e.type === 'ticket_opened')?.data.ticketKey, {
      what: 'the ticket recorded',
    });
    expect((await jiraIssue(system, ticketKey)).status).toBe(200);

    const revoked = await statusOf(id, (r) => r.status === 'revoked', 'revoked after expiry', 45_000);
    expect(revoked).toMatchObject({ reason: 'expired' });
    expect(await oktaGroupMembers(system, seedGroups.demoSandbox.id)).not.toContain(alice.oktaId);
    await waitFor(async () => (await jiraIssue(system, ticketKey)).fields?.status.name === 'Done', { what: 'the ticket closed' });
    const types = await waitFor(
      async () => {
        const found = (await timeline(id)).map((e) => e.type);
        return found.includes('ticket_closed') && found;
      },
      { what: 'the full timeline' },
    );
    expect(types).toEqual(['requested', 'approval_opened', 'approved', 'granted', 'ticket_opened', 'expired', 'revoked', 'ticket_closed']);
  });

  it('grants aws-prod-console once bob, her manager, approves; her own approval is refused and changes nothing', async () => {
    const created = await asAlice.call('intake', 'POST', '/v1/requests', {
      applicationId: 'aws-prod-console',
      duration: 'PT1H',
      justification: 'e2e: INC-43',
    });
    const id = created.body.id;
    const pending = await waitFor(
      async () => {
        const { body } = await asBob.call('approval', 'GET', '/v1/approvals?state=pending');
        return (body.approvals as { requestId: string }[]).find((a) => a.requestId === id);
      },
      { what: 'the approval waiting for bob' },
    );
    expect(pending).toBeDefined();

    const self = await asAlice.call('approval', 'POST', `/v1/approvals/${id}/decision`, { decision: 'approve' });
    expect(self.status).toBe(403);
    expect((await asAlice.call('intake', 'GET', `/v1/requests/${id}`)).body.status).toBe('pending');
    expect((await timeline(id)).map((e) => e.type)).toEqual(['requested', 'approval_opened']);

    expect((await asBob.call('approval', 'POST', `/v1/approvals/${id}/decision`, { decision: 'approve', comment: 'ok' })).status).toBe(200);
    await statusOf(id, (r) => r.status === 'granted', 'granted');
    expect(await oktaGroupMembers(system, seedGroups.awsProdConsole.id)).toContain(alice.oktaId);

    // Relinquishing early ends the access as surely as expiry does.
    expect((await asAlice.call('intake', 'POST', `/v1/requests/${id}/revoke`)).status).toBe(202);
    expect(await statusOf(id, (r) => r.status === 'revoked', 'revoked')).toMatchObject({ reason: 'relinquished' });
    expect(await oktaGroupMembers(system, seedGroups.awsProdConsole.id)).not.toContain(alice.oktaId);
    await waitFor(async () => (await timeline(id)).some((e) => e.type === 'ticket_closed'), {
      what: 'the ticket closed after the revocation',
    });
  });

  it('a denial by bob ends in denied with nothing granted', async () => {
    const created = await asAlice.call('intake', 'POST', '/v1/requests', {
      applicationId: 'aws-prod-console',
      duration: '30m',
      justification: 'e2e: curiosity',
    });
    const id = created.body.id;
    await waitFor(
      async () =>
        (await asBob.call('approval', 'POST', `/v1/approvals/${id}/decision`, { decision: 'deny', comment: 'not needed' })).status === 200,
      {
        what: 'bob able to decide',
      },
    );
    expect(await statusOf(id, (r) => r.status === 'denied', 'denied')).toMatchObject({ status: 'denied' });
    expect(await oktaGroupMembers(system, seedGroups.awsProdConsole.id)).not.toContain(alice.oktaId);
    const types = await waitFor(
      async () => {
        const found = (await timeline(id)).map((e) => e.type);
        return found.includes('denied') && found;
      },
      { what: 'the denial in the audit store' },
    );
    expect(types).toEqual(['requested', 'approval_opened', 'denied']);
  });

  it('answers bad requests with 400 or 401 naming the problem, and publishes nothing', async () => {
    const before = await streamLength();
    const cases: [ApiClient, unknown, number, RegExp][] = [
      [asAlice, { applicationId: 'no-such-app', duration: '15m', justification: 'x' }, 400, /applicationId/],
      [asAlice, { applicationId: 'demo-sandbox', duration: '3h', justification: 'x' }, 400, /duration/],
      [asAlice, { applicationId: 'demo-sandbox', duration: '15m' }, 400, /justification/],
      [ApiClient.raw(system), { applicationId: 'demo-sandbox', duration: '15m', justification: 'x' }, 401, /Authorization/],
      [ApiClient.raw(system, 'Bearer not.a.token'), { applicationId: 'demo-sandbox', duration: '15m', justification: 'x' }, 401, /token/],
    ];
    for (const [client, body, status, message] of cases) {
      const response = await client.call('intake', 'POST', '/v1/requests', body);
      expect({ status: response.status, message: response.body.error.message }).toEqual({
        status,
        message: expect.stringMatching(message),
      });
    }
    expect(await streamLength()).toBe(before);
  });
});
