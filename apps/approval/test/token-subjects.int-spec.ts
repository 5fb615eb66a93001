import { ManualClock } from '@jit/events';
import { eventsOf, waitFor } from '@jit/events/testing';
import { startApprovalTestBed, type ApprovalTestBed } from './support/test-bed.js';

const oktaToken = 'approval-subjects-test-okta-token';
const bob = 'bob@example.com';

describe('approval: a token without a verified email names the person Okta knows by its subject', () => {
  let bed: ApprovalTestBed;

  beforeAll(async () => {
    bed = await startApprovalTestBed({
      apiKey: 'approval-subjects-test-demo-key',
      oktaToken,
      clock: new ManualClock('2026-03-02T10:00:00.000Z'),
      template: {
        application: { id: 'github-admin', name: 'GitHub admin', oktaGroupId: '00g1githubadmin00003', owners: ['carol@example.com'] },
        durationSeconds: 3600,
        justification: 'INC-77 hotfix',
      },
    });
  });

  afterAll(() => bed.close());

  /** An access token from the simulated Okta whose email is not verified: only its subject can name the person. */
  async function unverifiedToken(sub: string): Promise<string> {
    return (await bed.sim.mintToken({ sub, emailVerified: false })).access_token;
  }

  /** Decides a request with a bearer token, as a person signed in to the web app would. */
  async function decideWithToken(requestId: string, token: string): Promise<{ status: number; body: Record<string, any> }> {
    const response = await fetch(`${bed.service.url}/v1/approvals/${requestId}/decision`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve' }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  /** Waits until the service has opened the approval of a request. */
  async function opened(requestId: string): Promise<void> {
    await waitFor(async () => (await bed.outboxed(requestId)).includes('approval_opened'), { what: `the approval of ${requestId}` });
  }

  it("approves as the manager Okta names by the token's subject", async () => {
    const requested = await bed.request({ kind: 'manager' });
    await opened(requested.requestId);

    const answer = await decideWithToken(requested.requestId, await unverifiedToken(bob));

    expect(answer.status).toBe(200);
    const [approved] = await waitFor(
      async () => {
        const found = await eventsOf(bed.nc, bed.service.topology, 'approved', requested.requestId);
        return found.length > 0 && found;
      },
      { what: 'the approval on the stream' },
    );
    expect(approved.actor).toBe(bob);
  });

  it('refuses (401) a subject Okta does not know, and publishes nothing', async () => {
    const requested = await bed.request({ kind: 'manager' });
    await opened(requested.requestId);

    const answer = await decideWithToken(requested.requestId, await unverifiedToken('mallory@example.com'));

    expect(answer.status).toBe(401);
    expect(answer.body.error.message).toMatch(/directory knows no person/);
    expect(await bed.outboxed(requested.requestId)).toEqual(['approval_opened']);
  });

  it('refuses (401) the token of a person Okta has suspended, and publishes nothing', async () => {
    const requested = await bed.request({ kind: 'manager' });
    await opened(requested.requestId);
    const token = await unverifiedToken(bob);
    const lifecycle = (action: string) =>
      fetch(`${bed.sim.url}/api/v1/users/${bob}/lifecycle/${action}`, { method: 'POST', headers: { authorization: `SSWS ${oktaToken}` } });
    expect((await lifecycle('suspend')).status).toBe(200);
    try {
      const answer = await decideWithToken(requested.requestId, token);
      expect(answer.status).toBe(401);
      expect(await bed.outboxed(requested.requestId)).toEqual(['approval_opened']);
    } finally {
      expect((await lifecycle('unsuspend')).status).toBe(200);
    }
  });
});
