import { randomUUID } from 'node:crypto';
import { sampleEvent, waitFor } from '@jit/events/testing';
import { RequestPipeline } from '../src/requests/request.pipeline.js';
import { asApiKey, startIntake, type IntakeHarness } from './support/intake.js';

const request = { applicationId: 'aws-prod-console', duration: '1h', justification: 'deploy 2026.1' };

describe('request status', () => {
  let h: IntakeHarness;

  beforeAll(async () => {
    h = await startIntake('intake_status');
  });

  afterAll(async () => {
    await h?.close();
  });

  // One person may have one open request per application: each request here is someone else's.
  let people = 0;
  async function newRequest(requester = `person-${++people}@example.com`): Promise<string> {
    const { status, body } = await h.call('POST', '/v1/requests', { headers: asApiKey(requester), body: request });
    expect(status).toBe(202);
    return body.id;
  }

  function grant(id: string, expiresInMs = 3_600_000) {
    const now = Date.now();
    return h.publish(id, {
      type: 'granted',
      data: {
        requester: 'alice@example.com',
        applicationId: 'aws-prod-console',
        oktaGroupId: '00g1awsprodconsole02',
        oktaUserId: '00u1alice',
        grantedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + expiresInMs).toISOString(),
        ticketKey: 'JIT-1',
        membership: 'added',
      },
    });
  }

  async function eventsOf(id: string) {
    return (await h.publishedEvents()).filter((e) => e.requestId === id);
  }

  it('follows approval, grant and revocation as the events arrive', async () => {
    const id = await newRequest();
    await h.publish(id, { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true } });
    await h.statusBecomes(id, 'approved');
    const granted = await grant(id);
    expect(await h.statusBecomes(id, 'granted')).toMatchObject({
      grantedAt: granted.data.grantedAt,
      expiresAt: granted.data.expiresAt,
      reason: null,
    });
    const later = new Date(Date.parse(granted.data.expiresAt) + 1_800_000).toISOString();
    await h.processed(await h.publish(id, { type: 'extended', data: { by: 'bob@example.com', expiresAt: later } }));
    expect((await h.call('GET', `/v1/requests/${id}`, { headers: asApiKey() })).body.expiresAt).toBe(later);
    const revoked = await h.publish(id, { type: 'revoked', data: { reason: 'expired', revokedAt: new Date().toISOString() } });
    expect(await h.statusBecomes(id, 'revoked')).toMatchObject({ reason: 'expired', revokedAt: revoked.data.revokedAt });
  });

  it('a non-final approval leaves the request pending', async () => {
    const id = await newRequest();
    await h.processed(await h.publish(id, { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: false } }));
    expect((await h.call('GET', `/v1/requests/${id}`, { headers: asApiKey() })).body.status).toBe('pending');
  });

  it("a denial shows the approver's comment, a policy denial says why, and a failed grant shows its reason", async () => {
    const denied = await newRequest();
    await h.publish(denied, {
      type: 'denied',
      data: { by: 'bob@example.com', reason: 'denied_by_approver', comment: 'not on call this week' },
    });
    expect(await h.statusBecomes(denied, 'denied')).toMatchObject({ reason: 'not on call this week' });
    const noApprover = await newRequest();
    await h.publish(noApprover, { type: 'denied', data: { by: 'service:approval', reason: 'no_eligible_approver' } });
    expect(await h.statusBecomes(noApprover, 'denied')).toMatchObject({ reason: 'no one is eligible to approve this request' });
    const failed = await newRequest();
    await h.publish(failed, { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true } });
    await h.publish(failed, { type: 'grant_failed', data: { reason: 'Okta user not found' } });
    expect(await h.statusBecomes(failed, 'failed')).toMatchObject({ reason: 'Okta user not found' });
  });

  it('cancelling a pending request publishes cancelled, and a late approval leaves it cancelled', async () => {
    const id = await newRequest();
    const answer = await h.call('POST', `/v1/requests/${id}/cancel`, { headers: asApiKey('alice@example.com') });
    expect(answer).toMatchObject({ status: 200, body: { id, status: 'cancelled' } });
    expect((await eventsOf(id)).map((e) => [e.type, e.data])).toEqual([
      ['requested', expect.anything()],
      ['cancelled', { by: 'alice@example.com' }],
    ]);
    await h.processed(await h.publish(id, { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true } }));
    expect((await h.call('GET', `/v1/requests/${id}`, { headers: asApiKey() })).body.status).toBe('cancelled');
  });

  it('a request cannot be cancelled twice or once granted, and the refusal publishes nothing', async () => {
    const cancelled = await newRequest();
    await h.call('POST', `/v1/requests/${cancelled}/cancel`, { headers: asApiKey('alice@example.com') });
    const granted = await newRequest();
    await h.publish(granted, { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true } });
    await grant(granted);
    await h.statusBecomes(granted, 'granted');
    const before = (await h.publishedEvents()).length;
    for (const id of [cancelled, granted]) {
      const answer = await h.call('POST', `/v1/requests/${id}/cancel`, { headers: asApiKey('alice@example.com') });
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('conflict');
    }
    expect((await h.publishedEvents()).length).toBe(before);
  });

  it('a grant that lands after a cancel shows the access that exists', async () => {
    const id = await newRequest();
    await h.call('POST', `/v1/requests/${id}/cancel`, { headers: asApiKey('alice@example.com') });
    await grant(id);
    await h.statusBecomes(id, 'granted');
  });

  it('relinquishing granted access publishes one revoke_requested and stays granted until revoked', async () => {
    const id = await newRequest('alice@example.com');
    await h.publish(id, { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true } });
    await grant(id);
    await h.statusBecomes(id, 'granted');
    const first = await h.call('POST', `/v1/requests/${id}/revoke`, { headers: asApiKey('alice@example.com') });
    expect(first).toMatchObject({ status: 202, body: { id, status: 'granted', revokeRequestedAt: expect.any(String) } });
    const again = await h.call('POST', `/v1/requests/${id}/revoke`, { headers: asApiKey('alice@example.com') });
    expect(again.status).toBe(202);
    const revokeRequests = (await eventsOf(id)).filter((e) => e.type === 'revoke_requested');
    expect(revokeRequests.map((e) => e.data)).toEqual([{ reason: 'relinquished', by: 'alice@example.com' }]);
    await h.processed(revokeRequests[0]);
    expect((await h.call('GET', `/v1/requests/${id}`, { headers: asApiKey() })).body.status).toBe('granted');
    await h.publish(id, { type: 'revoked', data: { reason: 'relinquished', revokedAt: new Date().toISOString() } });
    expect(await h.statusBecomes(id, 'revoked')).toMatchObject({ reason: 'relinquished' });
  });

  it('access that was never granted cannot be relinquished, and the refusal publishes nothing', async () => {
    const pending = await newRequest();
    const before = (await h.publishedEvents()).length;
    const answer = await h.call('POST', `/v1/requests/${pending}/revoke`, { headers: asApiKey('alice@example.com') });
    expect(answer.status).toBe(409);
    expect((await h.publishedEvents()).length).toBe(before);
  });

  it('an event for a request not recorded yet is retried, never dead-lettered, and applies once the request exists', async () => {
    const id = randomUUID();
    const retriedBefore = await h.handledCount('approved', 'not_yet');
    const approved = await h.publish(id, { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true } });
    await waitFor(async () => (await h.handledCount('approved', 'not_yet')) >= retriedBefore + 2, { what: 'the approval to be retried' });
    expect(await h.deadLetters()).toBe(0);

    const requested = sampleEvent('requested', id);
    await h.app
      .get(RequestPipeline)
      .run({ requestId: id, command: { type: 'observe', event: requested }, actor: 'service:test', cause: requested });
    await h.processed(approved);
    expect(await h.statusBecomes(id, 'approved')).toMatchObject({ requester: 'alice@example.com', createdAt: requested.occurredAt });
    expect(await h.deadLetters()).toBe(0);
  });
});
