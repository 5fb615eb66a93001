import type { EventDraft } from '@jit/events';
import { startVendorSim, type VendorSim } from '../../../tools/vendor-sim/src/index.js';
import { asApiKey, startIntake, type IntakeHarness } from './support/intake.js';

const request = { applicationId: 'demo-sandbox', duration: 'PT15M', justification: 'INC-42 needs a look at the sandbox' };

let people = 0;
const someone = (): string => `where-${++people}@example.com`;

const twoStages: EventDraft<'approval_opened'> = {
  type: 'approval_opened',
  data: {
    stages: [
      { source: 'manager', approvers: ['bob@example.com'] },
      { source: 'owners', approvers: ['carol@example.com', 'erin@example.com'] },
    ],
  },
};

const granted = (requester: string): EventDraft<'granted'> => ({
  type: 'granted',
  data: {
    requester,
    applicationId: 'demo-sandbox',
    oktaGroupId: '00g1demosandbox00001',
    oktaUserId: '00u1someone',
    grantedAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 900_000).toISOString(),
    membership: 'added',
  },
});

describe('where a request is: GET /v1/requests/:id shows the approval stage, the ticket and a retry under way', () => {
  let sim: VendorSim;
  let h: IntakeHarness;

  beforeAll(async () => {
    sim = await startVendorSim();
    h = await startIntake('intake_whereabouts', { OIDC_ISSUER: sim.issuer });
  });

  afterAll(async () => {
    await h?.close();
    await sim?.close();
  });

  async function submitted(): Promise<{ id: string; requester: string }> {
    const requester = someone();
    const { status, body } = await h.call('POST', '/v1/requests', { headers: asApiKey(requester), body: request });
    expect(status).toBe(202);
    return { id: body.id, requester };
  }

  async function applied(id: string, draft: EventDraft): Promise<any> {
    await h.processed(await h.publish(id, draft));
    return (await h.call('GET', `/v1/requests/${id}`, { headers: asApiKey() })).body;
  }

  it('a pending request shows the stage it waits on and who can decide it, and moves on as stages are approved', async () => {
    const { id } = await submitted();
    expect((await h.call('GET', `/v1/requests/${id}`, { headers: asApiKey() })).body.approval).toBeNull();

    expect((await applied(id, twoStages)).approval).toEqual({
      stages: [
        { source: 'manager', approvers: ['bob@example.com'], approvedBy: null, approvedByAll: [] },
        { source: 'owners', approvers: ['carol@example.com', 'erin@example.com'], approvedBy: null, approvedByAll: [] },
      ],
      currentStage: 0,
      waitingOn: ['bob@example.com'],
    });

    const afterFirst = await applied(id, { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: false } });
    expect(afterFirst.status).toBe('pending');
    expect(afterFirst.approval).toMatchObject({ currentStage: 1, waitingOn: ['carol@example.com', 'erin@example.com'] });
    expect(afterFirst.approval.stages[0].approvedBy).toBe('bob@example.com');

    const approved = await applied(id, { type: 'approved', data: { stage: 1, approver: 'erin@example.com', final: true } });
    expect(approved.status).toBe('approved');
    expect(approved.approval).toMatchObject({ currentStage: null, waitingOn: [] });
    expect(approved.approval.stages.map((stage: { approvedBy: string }) => stage.approvedBy)).toEqual([
      'bob@example.com',
      'erin@example.com',
    ]);
  });

  it('granted access shows the Jira key of the ticket that records it', async () => {
    const { id, requester } = await submitted();
    await applied(id, { type: 'approved', data: { stage: 0, approver: 'service:approval', final: true } });
    expect((await applied(id, granted(requester))).ticketKey).toBeNull();
    expect(await applied(id, { type: 'ticket_opened', data: { ticketKey: 'JIT-4711' } })).toMatchObject({
      status: 'granted',
      ticketKey: 'JIT-4711',
    });
  });

  it('a revocation being retried shows that it is, its attempt and the last error, until the access is revoked', async () => {
    const { id, requester } = await submitted();
    await applied(id, { type: 'approved', data: { stage: 0, approver: 'service:approval', final: true } });
    expect((await applied(id, granted(requester))).retrying).toBeNull();

    const nextAttemptAt = new Date(Date.now() + 8_000).toISOString();
    const failed = await h.publish(id, { type: 'revoke_failed', data: { reason: 'Okta answered 503', attempt: 3, nextAttemptAt } });
    await h.processed(failed);
    const retrying = (await h.call('GET', `/v1/requests/${id}`, { headers: asApiKey() })).body;
    expect(retrying).toMatchObject({
      status: 'granted',
      retrying: { action: 'revoke', attempt: 3, lastError: 'Okta answered 503', lastFailedAt: failed.occurredAt, nextAttemptAt },
    });

    const revoked = await applied(id, { type: 'revoked', data: { reason: 'expired', revokedAt: new Date().toISOString() } });
    expect(revoked).toMatchObject({ status: 'revoked', retrying: null });
  });

  it('a grant being retried shows that it is, why, and when the next attempt is due, until it is granted', async () => {
    const { id, requester } = await submitted();
    await applied(id, { type: 'approved', data: { stage: 0, approver: 'service:approval', final: true } });

    const nextAttemptAt = new Date(Date.now() + 4_000).toISOString();
    const failed = await h.publish(id, { type: 'grant_retrying', data: { reason: 'Okta answered 429', attempt: 2, nextAttemptAt } });
    await h.processed(failed);
    expect((await h.call('GET', `/v1/requests/${id}`, { headers: asApiKey() })).body).toMatchObject({
      status: 'approved',
      retrying: { action: 'grant', attempt: 2, lastError: 'Okta answered 429', lastFailedAt: failed.occurredAt, nextAttemptAt },
    });

    expect(await applied(id, granted(requester))).toMatchObject({ status: 'granted', retrying: null });
  });
});
