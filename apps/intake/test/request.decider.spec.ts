import { createEvent, ManualClock, type AccessEvent, type EventDraft } from '@jit/events';
import { ConflictError, DomainError, ValidationError } from '@jit/platform';
import type { Application } from '../src/catalog/catalog.js';
import { decide, evolve, NotReadyYet, type RequestCommand, type RequestState } from '../src/requests/request.decider.js';

const clock = new ManualClock('2026-01-01T00:00:00.000Z');
const requestId = '8a4f7f0e-5d43-4a43-9b5e-2d0d3c1a9f10';

const sandbox: Application = {
  id: 'demo-sandbox',
  name: 'Demo sandbox',
  oktaGroupId: '00g1demosandbox00001',
  owners: ['carol@example.com'],
  minDurationSeconds: 10,
  maxDurationSeconds: 3600,
  approval: { kind: 'auto' },
};

const submit: RequestCommand = {
  type: 'submit',
  requester: 'alice@example.com',
  application: sandbox,
  durationSeconds: 900,
  justification: 'INC-42',
};

function event(draft: EventDraft): AccessEvent {
  return createEvent(draft, { requestId, actor: 'test' }, clock);
}

const requested = event({
  type: 'requested',
  data: {
    requester: 'alice@example.com',
    application: {
      id: 'demo-sandbox',
      name: 'Demo sandbox',
      oktaGroupId: '00g1demosandbox00001',
      owners: ['carol@example.com'],
      approval: { kind: 'auto' },
    },
    durationSeconds: 900,
    justification: 'INC-42',
  },
});
const approvedStep = event({ type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: false } });
const approved = event({ type: 'approved', data: { stage: 1, approver: 'carol@example.com', final: true } });
const denied = event({ type: 'denied', data: { by: 'bob@example.com', reason: 'not on call' } });
const cancelled = event({ type: 'cancelled', data: { by: 'alice@example.com' } });
const grantFailed = event({ type: 'grant_failed', data: { reason: 'okta said no' } });
const granted = event({
  type: 'granted',
  data: {
    requester: 'alice@example.com',
    applicationId: 'demo-sandbox',
    oktaGroupId: '00g1demosandbox00001',
    oktaUserId: '00u1alice',
    grantedAt: '2026-01-01T00:01:00.000Z',
    expiresAt: '2026-01-01T00:16:00.000Z',
  },
});
const extended = event({ type: 'extended', data: { by: 'bob@example.com', expiresAt: '2026-01-01T01:00:00.000Z' } });
const revokeRequested = event({ type: 'revoke_requested', data: { reason: 'relinquished', by: 'alice@example.com' } });
const revoked = event({ type: 'revoked', data: { reason: 'expired', revokedAt: '2026-01-01T00:16:01.000Z' } });

/** Given these events happened, the request's state. */
function given(...events: AccessEvent[]): RequestState | undefined {
  return events.reduce<RequestState | undefined>(evolve, undefined);
}

function statusAfter(...events: AccessEvent[]): string | undefined {
  return given(...events)?.status;
}

describe('the request decider', () => {
  describe('submit', () => {
    it('a request within the bounds becomes one requested event carrying the application snapshot', () => {
      expect(decide(submit, undefined, clock.now())).toEqual([{ type: 'requested', data: requested.data }]);
    });

    it.each([
      ['shorter than the minimum', 9],
      ['longer than the maximum', 3601],
    ])('a duration %s is refused naming the bounds', (_, durationSeconds) => {
      const outcome = decide({ ...submit, durationSeconds }, undefined, clock.now());
      expect(outcome).toBeInstanceOf(ValidationError);
      expect((outcome as DomainError).message).toMatch(/^duration: .* between 10s and 1h$/);
    });

    it('the bounds themselves are accepted', () => {
      expect(decide({ ...submit, durationSeconds: 10 }, undefined, clock.now())).toHaveLength(1);
      expect(decide({ ...submit, durationSeconds: 3600 }, undefined, clock.now())).toHaveLength(1);
    });

    it('an empty justification is refused naming it', () => {
      expect((decide({ ...submit, justification: '  ' }, undefined, clock.now()) as DomainError).message).toMatch(/^justification:/);
    });
  });

  describe('cancel', () => {
    it.each([
      ['pending', [requested]],
      ['approved', [requested, approved]],
    ])('a %s request is cancelled', (_, history) => {
      expect(decide({ type: 'cancel', by: 'alice@example.com' }, given(...history), clock.now())).toEqual([
        { type: 'cancelled', data: { by: 'alice@example.com' } },
      ]);
    });

    it.each([
      ['granted', [requested, approved, granted]],
      ['denied', [requested, denied]],
      ['cancelled', [requested, cancelled]],
      ['revoked', [requested, approved, granted, revoked]],
    ])('a %s request cannot be cancelled', (_, history) => {
      expect(decide({ type: 'cancel', by: 'alice@example.com' }, given(...history), clock.now())).toBeInstanceOf(ConflictError);
    });
  });

  describe('relinquish', () => {
    const relinquish: RequestCommand = { type: 'relinquish', by: 'alice@example.com' };

    it('access ended by someone other than the requester is an admin revocation', () => {
      expect(
        decide({ type: 'relinquish', by: 'apikey:ops' }, given(requested, approved, granted), new Date('2026-01-01T00:05:00.000Z')),
      ).toEqual([{ type: 'revoke_requested', data: { reason: 'admin', by: 'apikey:ops' } }]);
    });

    it('granted access is asked to be revoked as relinquished', () => {
      expect(decide(relinquish, given(requested, approved, granted), new Date('2026-01-01T00:05:00.000Z'))).toEqual([
        { type: 'revoke_requested', data: { reason: 'relinquished', by: 'alice@example.com' } },
      ]);
    });

    it('asking twice asks the provisioner only once', () => {
      expect(decide(relinquish, given(requested, approved, granted, revokeRequested), new Date('2026-01-01T00:05:00.000Z'))).toEqual([]);
    });

    it('access past its expiry is already being revoked', () => {
      expect(decide(relinquish, given(requested, approved, granted), new Date('2026-01-01T00:16:00.000Z'))).toBeInstanceOf(ConflictError);
    });

    it.each([
      ['pending', [requested]],
      ['approved', [requested, approved]],
      ['revoked', [requested, approved, granted, revoked]],
    ])('a %s request has no access to relinquish', (_, history) => {
      expect(decide(relinquish, given(...history), clock.now())).toBeInstanceOf(ConflictError);
    });
  });

  describe('evolve', () => {
    it('a new request is pending with what was asked', () => {
      expect(given(requested)).toEqual({
        requester: 'alice@example.com',
        applicationId: 'demo-sandbox',
        durationSeconds: 900,
        justification: 'INC-42',
        status: 'pending',
        reason: null,
        createdAt: requested.occurredAt,
        grantedAt: null,
        expiresAt: null,
        revokedAt: null,
        revokeRequestedAt: null,
      });
    });

    it('only the final approval makes a request approved', () => {
      expect(statusAfter(requested, approvedStep)).toBe('pending');
      expect(statusAfter(requested, approvedStep, approved)).toBe('approved');
    });

    it('a denial records its reason', () => {
      expect(given(requested, denied)).toMatchObject({ status: 'denied', reason: 'not on call' });
    });

    it('a grant records when access started and ends', () => {
      expect(given(requested, approved, granted)).toMatchObject({
        status: 'granted',
        grantedAt: '2026-01-01T00:01:00.000Z',
        expiresAt: '2026-01-01T00:16:00.000Z',
      });
    });

    it('a failed grant records its reason', () => {
      expect(given(requested, approved, grantFailed)).toMatchObject({ status: 'failed', reason: 'okta said no' });
    });

    it('an extension moves the expiry later, and a duplicate grant does not move it back', () => {
      expect(given(requested, approved, granted, extended, granted)).toMatchObject({
        status: 'granted',
        expiresAt: '2026-01-01T01:00:00.000Z',
      });
    });

    it('a revocation records why and when, and a relinquish request leaves the status granted until then', () => {
      expect(given(requested, approved, granted, revokeRequested)).toMatchObject({
        status: 'granted',
        revokeRequestedAt: revokeRequested.occurredAt,
      });
      expect(given(requested, approved, granted, revokeRequested, revoked)).toMatchObject({
        status: 'revoked',
        reason: 'expired',
        revokedAt: '2026-01-01T00:16:01.000Z',
      });
    });

    it('every event applied twice leaves the state as applied once', () => {
      const history = [requested, approvedStep, approved, granted, extended, revokeRequested, revoked];
      expect(given(...history.flatMap((e) => [e, e]))).toEqual(given(...history));
    });

    it('an approval after a cancel leaves the request cancelled', () => {
      expect(statusAfter(requested, cancelled, approved)).toBe('cancelled');
    });

    it('an approval or cancel after a denial leaves the request denied', () => {
      expect(statusAfter(requested, denied, approved, cancelled)).toBe('denied');
    });

    it('a grant after a cancel shows the access that really exists', () => {
      expect(statusAfter(requested, approved, cancelled, granted)).toBe('granted');
    });

    it('a late failure or cancel does not hide a grant', () => {
      expect(statusAfter(requested, approved, granted, grantFailed, cancelled)).toBe('granted');
    });

    it('nothing reopens a revoked request; a late grant is recorded as history', () => {
      const state = given(requested, approved, revoked, granted, extended, approved, cancelled);
      expect(state).toMatchObject({ status: 'revoked', grantedAt: '2026-01-01T00:01:00.000Z', revokedAt: '2026-01-01T00:16:01.000Z' });
    });

    it('an extension before the grant waits for it', () => {
      expect(() => given(requested, approved, extended)).toThrow(NotReadyYet);
    });

    it('an event for a request not recorded yet waits for it', () => {
      expect(() => given(approved)).toThrow(NotReadyYet);
    });

    it('expiry and failed revocations leave the status to the revocation that follows', () => {
      const expired = event({ type: 'expired', data: { expiresAt: '2026-01-01T00:16:00.000Z' } });
      const revokeFailed = event({ type: 'revoke_failed', data: { reason: 'okta unavailable', attempt: 1 } });
      expect(statusAfter(requested, approved, granted, expired, revokeFailed)).toBe('granted');
    });
  });
});
