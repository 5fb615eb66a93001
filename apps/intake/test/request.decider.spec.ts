import { ConflictError, NotFoundError, ValidationError, type EventDraft, type EventType } from '@jit/events';
import { DeciderSpecification, specEvent, specRequestId, specStart, type GivenEvent, type WhenOptions } from '@jit/events/testing';
import type { Application } from '@jit/catalog';
import { viewOf } from '../src/requests/request.view.js';
import { requestDecider, type RequestCommand } from '../src/requests/request.decider.js';

const spec = DeciderSpecification.for(requestDecider);

const sandbox: Application = {
  id: 'demo-sandbox',
  name: 'Demo sandbox',
  oktaGroupId: '00g1demosandbox00001',
  membership: 'exclusive',
  owners: ['carol@example.com'],
  minDurationSeconds: 10,
  maxDurationSeconds: 3600,
  approval: { kind: 'auto' },
  rules: [],
  pendingTtlSeconds: 86_400,
  preExpiryNoticeSeconds: 600,
  maxTotalDurationSeconds: 3600,
  selfExtensionSeconds: 0,
};

const submit: RequestCommand = {
  type: 'submit',
  requester: 'alice@example.com',
  application: sandbox,
  durationSeconds: 900,
  justification: 'INC-42',
};
const cancel: RequestCommand = { type: 'cancel', by: 'alice@example.com' };
const relinquish: RequestCommand = { type: 'relinquish', by: 'alice@example.com' };

const requested: EventDraft<'requested'> = {
  type: 'requested',
  data: {
    requester: 'alice@example.com',
    application: {
      id: 'demo-sandbox',
      name: 'Demo sandbox',
      oktaGroupId: '00g1demosandbox00001',
      owners: ['carol@example.com'],
      approval: { kind: 'auto' },
      pendingTtlSeconds: 86_400,
      preExpiryNoticeSeconds: 600,
      maxTotalSeconds: 3600,
    },
    durationSeconds: 900,
    justification: 'INC-42',
  },
};
const approvalOpened: EventDraft<'approval_opened'> = {
  type: 'approval_opened',
  data: { stages: [{ source: 'manager', approvers: ['bob@example.com'] }] },
};
const approvedStep: EventDraft<'approved'> = { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: false } };
const approved: EventDraft<'approved'> = { type: 'approved', data: { stage: 1, approver: 'carol@example.com', final: true } };
const denied: EventDraft<'denied'> = {
  type: 'denied',
  data: { by: 'bob@example.com', reason: 'denied_by_approver', comment: 'not on call' },
};
const cancelled: EventDraft<'cancelled'> = { type: 'cancelled', data: { by: 'alice@example.com' } };
const grantFailed: EventDraft<'grant_failed'> = { type: 'grant_failed', data: { reason: 'okta said no' } };
const granted: EventDraft<'granted'> = {
  type: 'granted',
  data: {
    requester: 'alice@example.com',
    applicationId: 'demo-sandbox',
    oktaGroupId: '00g1demosandbox00001',
    oktaUserId: '00u1alice',
    grantedAt: '2026-01-01T00:01:00.000Z',
    expiresAt: '2026-01-01T00:16:00.000Z',
    membership: 'added',
  },
};
const extended: EventDraft<'extended'> = { type: 'extended', data: { by: 'bob@example.com', expiresAt: '2026-01-01T01:00:00.000Z' } };
const revokeRequested: EventDraft<'revoke_requested'> = {
  type: 'revoke_requested',
  data: { reason: 'relinquished', by: 'alice@example.com' },
};
const expired: EventDraft<'expired'> = { type: 'expired', data: { expiresAt: '2026-01-01T00:16:00.000Z' } };
const revokeFailed: EventDraft<'revoke_failed'> = {
  type: 'revoke_failed',
  data: { reason: 'okta unavailable', attempt: 1, nextAttemptAt: '2026-01-01T00:16:30.000Z' },
};
const grantRetrying: EventDraft<'grant_retrying'> = {
  type: 'grant_retrying',
  data: { reason: 'Okta is unavailable: 503', attempt: 1, nextAttemptAt: '2026-01-01T00:05:02.000Z' },
};
const revoked: EventDraft<'revoked'> = { type: 'revoked', data: { reason: 'expired', revokedAt: '2026-01-01T00:16:01.000Z' } };

/** One draft of every event type. */
const everyEvent: { [T in EventType]: EventDraft<T> } = {
  requested,
  approval_opened: approvalOpened,
  approved,
  denied,
  cancelled,
  granted,
  grant_retrying: grantRetrying,
  grant_failed: grantFailed,
  expired,
  revoke_requested: revokeRequested,
  revoked,
  revoke_failed: revokeFailed,
  extended,
  ticket_opened: { type: 'ticket_opened', data: { ticketKey: 'JIT-7' } },
  ticket_closed: { type: 'ticket_closed', data: { ticketKey: 'JIT-7' } },
  approval_escalated: { type: 'approval_escalated', data: { stage: 0, approver: 'dave@example.com' } },
  extension_requested: { type: 'extension_requested', data: { by: 'alice@example.com', durationSeconds: 900, justification: 'INC-2' } },
  extension_approved: { type: 'extension_approved', data: { by: 'bob@example.com', durationSeconds: 900 } },
  extension_denied: { type: 'extension_denied', data: { by: 'bob@example.com', comment: 'enough' } },
};
const otherServicesEvents = Object.values(everyEvent).filter((draft) => draft.type !== 'requested');

const during = '2026-01-01T00:05:00.000Z';

/** The command for hearing another service's event, with the event as its cause. */
function observe(draft: EventDraft, at = during): [RequestCommand, WhenOptions] {
  const event = specEvent(draft, at);
  return [
    { type: 'observe', event },
    { at, cause: event },
  ];
}

const pending: GivenEvent[] = [requested];
const approvedRequest: GivenEvent[] = [requested, approved];
const grantedRequest: GivenEvent[] = [requested, approved, granted];
const deniedRequest: GivenEvent[] = [requested, denied];
const cancelledRequest: GivenEvent[] = [requested, cancelled];
const failedRequest: GivenEvent[] = [requested, approved, grantFailed];
const revokedRequest: GivenEvent[] = [requested, approved, granted, revoked];

describe('the request decider', () => {
  describe('submit', () => {
    it('a request within the bounds becomes one requested event carrying the application snapshot, and is pending', () => {
      const state = spec.given([]).when(submit).then([requested]);
      expect(state).toEqual({
        recorded: true,
        requester: 'alice@example.com',
        applicationId: 'demo-sandbox',
        durationSeconds: 900,
        justification: 'INC-42',
        status: 'pending',
        reason: null,
        createdAt: specStart,
        grantedAt: null,
        expiresAt: null,
        revokedAt: null,
        revokeRequestedAt: null,
        approvalStages: null,
        approvals: [],
        ticketKey: null,
        retry: null,
        policy: { maxTotalSeconds: 3600 },
        extension: null,
      });
    });

    it.each([
      ['shorter than the minimum', 9],
      ['longer than the maximum', 3601],
    ])('a duration %s is refused naming the bounds', (_, durationSeconds) => {
      spec
        .given([])
        .when({ ...submit, durationSeconds })
        .thenRefused(ValidationError, /^duration: .* between 10s and 1h$/);
    });

    it.each([10, 3600])('a duration of exactly a bound (%i s) is accepted', (durationSeconds) => {
      spec
        .given([])
        .when({ ...submit, durationSeconds })
        .then([{ type: 'requested', data: { ...requested.data, durationSeconds } }]);
    });

    it("a justification without what the application's pattern asks for is refused naming the field and the hint", () => {
      const incidents = { ...sandbox, justificationPattern: '\\b(INC|CHG)-\\d+\\b', justificationHint: 'an incident number' };
      spec
        .given([])
        .when({ ...submit, application: incidents, justification: 'just curious' })
        .thenRefused(ValidationError, /^justification: does not match .*; an incident number$/);
      spec
        .given([])
        .when({ ...submit, application: incidents, justification: 'see CHG-7' })
        .then([expect.anything()]);
    });

    it('an empty justification is refused naming it', () => {
      spec
        .given([])
        .when({ ...submit, justification: '  ' })
        .thenRefused(ValidationError, /^justification:/);
    });

    it('a request that exists already cannot be submitted again', () => {
      spec.given(pending).when(submit).thenRefused(ConflictError, 'the request exists already');
    });
  });

  describe('cancel', () => {
    it.each([
      ['pending', pending],
      ['approved', approvedRequest],
    ])('a %s request is cancelled', (_, history) => {
      const state = spec.given(history).when(cancel).then([cancelled]);
      expect(state).toMatchObject({ status: 'cancelled', reason: null });
    });

    it.each([
      ['granted', grantedRequest],
      ['denied', deniedRequest],
      ['cancelled', cancelledRequest],
      ['failed', failedRequest],
      ['revoked', revokedRequest],
    ])('a %s request cannot be cancelled', (status, history) => {
      spec
        .given(history)
        .when(cancel)
        .thenRefused(ConflictError, new RegExp(`^the request is ${status}; only a pending or approved request can be cancelled$`));
    });

    it('a request that was never recorded cannot be cancelled', () => {
      spec.given([]).when(cancel).thenRefused(NotFoundError);
    });
  });

  describe('extend', () => {
    const extend = (durationSeconds: number, justification = 'INC-42 still on it', by = 'alice@example.com'): RequestCommand => ({
      type: 'extend',
      by,
      durationSeconds,
      justification,
    });
    const asked: EventDraft<'extension_requested'> = {
      type: 'extension_requested',
      data: { by: 'alice@example.com', durationSeconds: 1800, justification: 'INC-42 still on it' },
    };

    it('granted access with room under the maximum total is asked to last longer, and shows the extension waiting', () => {
      const state = spec.given(grantedRequest).when(extend(1800), { at: during }).then([asked]);
      expect(state).toMatchObject({ status: 'granted', extension: { status: 'pending', durationSeconds: 1800 } });
    });

    it('an extension past the maximum total duration is refused naming the duration and what is left', () => {
      spec
        .given(grantedRequest)
        .when(extend(2701), { at: during })
        .thenRefused(
          ValidationError,
          /^duration: 45m1s is too long; access to demo-sandbox lasts at most 1h in all, so at most 45m can be added$/,
        );
    });

    it('a second extension while one waits is a conflict', () => {
      spec
        .given([...grantedRequest, asked])
        .when(extend(60), { at: during })
        .thenRefused(ConflictError, /is waiting for approval$/);
    });

    it('the extended expiry is shown and a denied extension says who denied it; both let another be asked', () => {
      const extended: EventDraft<'extended'> = { type: 'extended', data: { by: 'bob@example.com', expiresAt: '2026-01-01T00:46:00.000Z' } };
      const later = spec
        .given([...grantedRequest, asked, extended])
        .when(extend(900), { at: during })
        .then([
          { type: 'extension_requested', data: { by: 'alice@example.com', durationSeconds: 900, justification: 'INC-42 still on it' } },
        ]);
      expect(later).toMatchObject({ expiresAt: '2026-01-01T00:46:00.000Z', extension: { status: 'pending', durationSeconds: 900 } });
      const refused: EventDraft<'extension_denied'> = { type: 'extension_denied', data: { by: 'bob@example.com', comment: 'go home' } };
      const denied = spec
        .given([...grantedRequest, asked, refused])
        .when(extend(600), { at: during })
        .then([
          { type: 'extension_requested', data: { by: 'alice@example.com', durationSeconds: 600, justification: 'INC-42 still on it' } },
        ]);
      expect(denied).toMatchObject({ expiresAt: granted.data.expiresAt });
    });

    it('access past its expiry, being revoked or revoked cannot be extended', () => {
      spec
        .given(grantedRequest)
        .when(extend(60), { at: granted.data.expiresAt })
        .thenRefused(ConflictError, /^the access expired at/);
      spec
        .given([...grantedRequest, revokeRequested])
        .when(extend(60), { at: during })
        .thenRefused(ConflictError, /being revoked/);
      spec
        .given([...grantedRequest, revoked])
        .when(extend(60), { at: during })
        .thenRefused(ConflictError, /^the request is revoked;/);
      spec
        .given(pending)
        .when(extend(60), { at: during })
        .thenRefused(ConflictError, /^the request is pending;/);
    });

    it('a request made before extensions existed (no maximum total in its snapshot) allows none', () => {
      const { maxTotalSeconds: _, ...old } = requested.data.application;
      const before: EventDraft<'requested'> = { type: 'requested', data: { ...requested.data, application: old } };
      spec
        .given([before, approved, granted])
        .when(extend(60), { at: during })
        .thenRefused(ValidationError, /^duration: 1m is too long; demo-sandbox allows no extension$/);
    });

    it('a justification must match the pattern the request was made under, at request and at extension', () => {
      const ticketed = {
        ...sandbox,
        justificationPattern: '^(INC|CHG)-\\d+',
        justificationHint: 'start with the incident or change key, e.g. INC-42',
      };
      spec
        .given([])
        .when({ ...submit, application: ticketed, justification: 'because' } as RequestCommand)
        .thenRefused(
          ValidationError,
          /^justification: does not match \^\(INC\|CHG\)-\\d\+; start with the incident or change key, e\.g\. INC-42$/,
        );
      const made = spec
        .given([])
        .when({ ...submit, application: ticketed } as RequestCommand)
        .then([
          {
            type: 'requested',
            data: {
              ...requested.data,
              application: {
                ...requested.data.application,
                justificationPattern: '^(INC|CHG)-\\d+',
                justificationHint: 'start with the incident or change key, e.g. INC-42',
              },
            },
          },
        ]);
      expect(made).toMatchObject({ policy: { justificationPattern: '^(INC|CHG)-\\d+' } });
      const ticketedRequest: EventDraft<'requested'> = {
        type: 'requested',
        data: {
          ...requested.data,
          application: { ...requested.data.application, justificationPattern: '^(INC|CHG)-\\d+', justificationHint: 'a key' },
        },
      };
      spec
        .given([ticketedRequest, approved, granted])
        .when(extend(60, 'more time'), { at: during })
        .thenRefused(ValidationError, /^justification: does not match/);
      spec
        .given([ticketedRequest, approved, granted])
        .when(extend(60, 'CHG-7 more time'), { at: during })
        .then([{ type: 'extension_requested', data: { by: 'alice@example.com', durationSeconds: 60, justification: 'CHG-7 more time' } }]);
    });
  });

  describe('relinquish', () => {
    it('granted access is asked to be revoked as relinquished, and stays granted until it is', () => {
      const state = spec.given(grantedRequest).when(relinquish, { at: during }).then([revokeRequested]);
      expect(state).toMatchObject({ status: 'granted', revokeRequestedAt: during });
    });

    it('access ended by someone other than the requester is an admin revocation', () => {
      spec
        .given(grantedRequest)
        .when({ type: 'relinquish', by: 'apikey:ops' }, { at: during })
        .then([{ type: 'revoke_requested', data: { reason: 'admin', by: 'apikey:ops' } }]);
    });

    it('access given back by its requester signed in with another case of her login is relinquished, not an admin revocation', () => {
      spec
        .given(grantedRequest)
        .when({ type: 'relinquish', by: 'Alice@Example.com' }, { at: during })
        .then([{ type: 'revoke_requested', data: { reason: 'relinquished', by: 'Alice@Example.com' } }]);
    });

    it('asking twice asks the provisioner only once', () => {
      spec
        .given([...grantedRequest, revokeRequested])
        .when(relinquish, { at: during })
        .thenNothing();
    });

    it('access past its expiry is already being revoked', () => {
      spec
        .given(grantedRequest)
        .when(relinquish, { at: granted.data.expiresAt })
        .thenRefused(ConflictError, /^the access expired at 2026-01-01T00:16:00.000Z/);
    });

    it.each([
      ['pending', pending],
      ['approved', approvedRequest],
      ['denied', deniedRequest],
      ['cancelled', cancelledRequest],
      ['failed', failedRequest],
      ['revoked', revokedRequest],
    ])('a %s request has no access to relinquish', (status, history) => {
      spec
        .given(history)
        .when(relinquish, { at: during })
        .thenRefused(ConflictError, new RegExp(`^the request is ${status}; only granted access can be relinquished$`));
    });

    it('a request that was never recorded has nothing to relinquish', () => {
      spec.given([]).when(relinquish).thenRefused(NotFoundError);
    });
  });

  describe("observing another service's event", () => {
    it.each(otherServicesEvents.map((draft) => [draft.type, draft] as const))(
      '%s for a request not recorded yet waits for the request',
      (_, draft) => {
        spec
          .given([])
          .when(...observe(draft))
          .thenNotYet();
      },
    );

    it('a requested event of a request not recorded records it (a replay of the stream)', () => {
      const state = spec
        .given([])
        .when(...observe(requested))
        .then([]);
      expect(state).toMatchObject({ recorded: true, status: 'pending', requester: 'alice@example.com', createdAt: during });
    });

    it('a requested event of a recorded request changes nothing', () => {
      spec
        .given(pending)
        .when(...observe(requested))
        .thenNothing();
    });

    it('a stage needing two approvals waits on it until the second, and the view names both approvers', () => {
      const twoOfThree: EventDraft<'approval_opened'> = {
        type: 'approval_opened',
        data: { stages: [{ source: 'users', approvers: ['bob@example.com', 'carol@example.com', 'dave@example.com'], required: 2 }] },
      };
      const first: EventDraft<'approved'> = { type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: false } };
      const waiting = spec
        .given([requested, twoOfThree])
        .when(...observe(first))
        .then([]);
      expect(waiting.recorded && viewOf(specRequestId, waiting).approval).toMatchObject({
        currentStage: 0,
        waitingOn: ['bob@example.com', 'carol@example.com', 'dave@example.com'],
        stages: [{ approvedBy: 'bob@example.com', approvedByAll: ['bob@example.com'], required: 2 }],
      });
      const second: EventDraft<'approved'> = { type: 'approved', data: { stage: 0, approver: 'dave@example.com', final: true } };
      const done = spec
        .given([requested, twoOfThree, first])
        .when(...observe(second))
        .then([]);
      expect(done.recorded && viewOf(specRequestId, done)).toMatchObject({
        status: 'approved',
        approval: { currentStage: null, stages: [{ approvedByAll: ['bob@example.com', 'dave@example.com'] }] },
      });
    });

    it('the final approval makes a pending request approved; an approval step is recorded and leaves it pending', () => {
      const step = spec
        .given(pending)
        .when(...observe(approvedStep))
        .then([]);
      expect(step).toMatchObject({ status: 'pending', approvals: [{ stage: 0, approver: 'bob@example.com' }] });
      const state = spec
        .given([requested, approvedStep])
        .when(...observe(approved))
        .then([]);
      expect(state).toMatchObject({
        status: 'approved',
        approvals: [
          { stage: 0, approver: 'bob@example.com' },
          { stage: 1, approver: 'carol@example.com' },
        ],
      });
    });

    it('the approval opened records the resolved stages and their approvers', () => {
      const state = spec
        .given(pending)
        .when(...observe(approvalOpened))
        .then([]);
      expect(state).toMatchObject({ status: 'pending', approvalStages: approvalOpened.data.stages });
    });

    it("a second approval_opened, or an approver's approval of a stage heard again, changes nothing", () => {
      const other: EventDraft<'approval_opened'> = {
        type: 'approval_opened',
        data: { stages: [{ source: 'users', approvers: ['x@example.com'] }] },
      };
      spec
        .given([requested, approvalOpened])
        .when(...observe(other))
        .thenNothing();
      spec
        .given([requested, approvalOpened, approvedStep])
        .when(...observe({ type: 'approved', data: { stage: 0, approver: 'Bob@Example.com', final: false } }))
        .thenNothing();
    });

    it('the ticket that records the grant is kept, and a later ticket event does not replace it', () => {
      const ticketOpened: EventDraft<'ticket_opened'> = { type: 'ticket_opened', data: { ticketKey: 'JIT-7' } };
      const state = spec
        .given(grantedRequest)
        .when(...observe(ticketOpened))
        .then([]);
      expect(state).toMatchObject({ ticketKey: 'JIT-7' });
      spec
        .given([...grantedRequest, ticketOpened])
        .when(...observe({ type: 'ticket_opened', data: { ticketKey: 'JIT-8' } }))
        .thenNothing();
    });

    it('a failed revocation shows as retried with its last error until the revocation, and an older attempt heard late changes nothing', () => {
      const retrying = spec
        .given([...grantedRequest, expired])
        .when(...observe(revokeFailed))
        .then([]);
      expect(retrying).toMatchObject({
        status: 'granted',
        retry: { action: 'revoke', attempt: 1, lastError: 'okta unavailable', failedAt: during, nextAttemptAt: '2026-01-01T00:16:30.000Z' },
      });
      const second: EventDraft<'revoke_failed'> = { type: 'revoke_failed', data: { reason: 'okta 503', attempt: 2 } };
      expect(
        spec
          .given([...grantedRequest, revokeFailed])
          .when(...observe(second))
          .then([]),
      ).toMatchObject({ retry: { action: 'revoke', attempt: 2, lastError: 'okta 503', nextAttemptAt: null } });
      spec
        .given([...grantedRequest, second])
        .when(...observe(revokeFailed))
        .thenNothing();
      expect(
        spec
          .given([...grantedRequest, revokeFailed])
          .when(...observe(revoked))
          .then([]),
      ).toMatchObject({ status: 'revoked', retry: null });
      spec
        .given(revokedRequest)
        .when(...observe(revokeFailed))
        .thenNothing();
    });

    it('a grant being retried shows why and when it tries next, until it is granted or fails; an older attempt heard late changes nothing', () => {
      const retrying = spec
        .given(approvedRequest)
        .when(...observe(grantRetrying))
        .then([]);
      expect(retrying).toMatchObject({
        status: 'approved',
        retry: {
          action: 'grant',
          attempt: 1,
          lastError: 'Okta is unavailable: 503',
          failedAt: during,
          nextAttemptAt: '2026-01-01T00:05:02.000Z',
        },
      });
      const second: EventDraft<'grant_retrying'> = {
        type: 'grant_retrying',
        data: { reason: 'Okta is throttling: 429', attempt: 2, nextAttemptAt: '2026-01-01T00:05:06.000Z' },
      };
      expect(
        spec
          .given([...approvedRequest, grantRetrying])
          .when(...observe(second))
          .then([]),
      ).toMatchObject({ retry: { attempt: 2, lastError: 'Okta is throttling: 429' } });
      spec
        .given([...approvedRequest, second])
        .when(...observe(grantRetrying))
        .thenNothing();
      expect(
        spec
          .given([...approvedRequest, grantRetrying])
          .when(...observe(granted))
          .then([]),
      ).toMatchObject({ status: 'granted', retry: null });
      expect(
        spec
          .given([...approvedRequest, grantRetrying])
          .when(...observe(grantFailed))
          .then([]),
      ).toMatchObject({ status: 'failed', retry: null });
      spec
        .given(grantedRequest)
        .when(...observe(grantRetrying))
        .thenNothing();
    });

    it("a denial shows the approver's comment", () => {
      const state = spec
        .given(pending)
        .when(...observe(denied))
        .then([]);
      expect(state).toMatchObject({ status: 'denied', reason: 'not on call' });
    });

    it.each([
      ['denied_by_approver', 'denied by the approver'],
      ['no_eligible_approver', 'no one is eligible to approve this request'],
    ] as const)('a denial without a comment (%s) says why in words', (reason, text) => {
      const state = spec
        .given(pending)
        .when(...observe({ type: 'denied', data: { by: 'service:approval', reason } }))
        .then([]);
      expect(state).toMatchObject({ status: 'denied', reason: text });
    });

    it('a cancel published by someone else cancels an open request with its reason', () => {
      const state = spec
        .given(approvedRequest)
        .when(...observe({ type: 'cancelled', data: { by: 'apikey:ops', reason: 'duplicate request' } }))
        .then([]);
      expect(state).toMatchObject({ status: 'cancelled', reason: 'duplicate request' });
    });

    it('a grant records when access started and ends', () => {
      const state = spec
        .given(approvedRequest)
        .when(...observe(granted))
        .then([]);
      expect(state).toMatchObject({
        status: 'granted',
        reason: null,
        grantedAt: granted.data.grantedAt,
        expiresAt: granted.data.expiresAt,
      });
    });

    it.each([
      ['cancel', cancelledRequest],
      ['denial', deniedRequest],
      ['failure', failedRequest],
    ])('a grant after a %s shows the access that really exists', (_, history) => {
      const state = spec
        .given(history)
        .when(...observe(granted))
        .then([]);
      expect(state).toMatchObject({ status: 'granted', reason: null, expiresAt: granted.data.expiresAt });
    });

    it('a grant that lands after the revocation is recorded as history without reopening the request', () => {
      const state = spec
        .given([requested, approved, revoked])
        .when(...observe(granted))
        .then([]);
      expect(state).toMatchObject({ status: 'revoked', grantedAt: granted.data.grantedAt, revokedAt: revoked.data.revokedAt });
    });

    it('a failed grant records its reason', () => {
      const state = spec
        .given(approvedRequest)
        .when(...observe(grantFailed))
        .then([]);
      expect(state).toMatchObject({ status: 'failed', reason: 'okta said no' });
    });

    it('an extension moves the expiry later', () => {
      const state = spec
        .given(grantedRequest)
        .when(...observe(extended))
        .then([]);
      expect(state).toMatchObject({ status: 'granted', expiresAt: extended.data.expiresAt });
    });

    it('an extension that ends sooner than the grant already does changes nothing', () => {
      spec
        .given([...grantedRequest, extended])
        .when(...observe({ type: 'extended', data: { by: 'bob@example.com', expiresAt: '2026-01-01T00:30:00.000Z' } }))
        .thenNothing();
    });

    it.each([
      ['pending', pending],
      ['approved', approvedRequest],
      ['cancelled', cancelledRequest],
    ])('an extension of a %s request waits for the grant', (_, history) => {
      spec
        .given(history)
        .when(...observe(extended))
        .thenNotYet();
    });

    it('an extension of revoked access changes nothing', () => {
      spec
        .given(revokedRequest)
        .when(...observe(extended))
        .thenNothing();
    });

    it('an early revocation asked for by reconciliation is recorded, and the status stays granted until the revocation', () => {
      const state = spec
        .given(grantedRequest)
        .when(...observe({ type: 'revoke_requested', data: { reason: 'reconciliation', by: 'service:provisioner' } }))
        .then([]);
      expect(state).toMatchObject({ status: 'granted', revokeRequestedAt: during });
    });

    it('a revocation records why and when', () => {
      const state = spec
        .given([...grantedRequest, revokeRequested])
        .when(...observe(revoked))
        .then([]);
      expect(state).toMatchObject({
        status: 'revoked',
        reason: 'expired',
        revokedAt: revoked.data.revokedAt,
        revokeRequestedAt: specStart,
      });
    });

    it.each([
      ['an approval after a cancel', cancelledRequest, approved],
      ['an approval after a denial', deniedRequest, approved],
      ['a cancel after a denial', deniedRequest, cancelled],
      ['a denial after the approval', approvedRequest, denied],
      ['a late failure after the grant', grantedRequest, grantFailed],
      ['a late cancel after the grant', grantedRequest, cancelled],
      ['an approval after the revocation', revokedRequest, approved],
      ['a cancel after the revocation', revokedRequest, cancelled],
      ['a second grant after an extension', [...grantedRequest, extended], granted],
    ])('%s changes nothing', (_, history, draft) => {
      spec
        .given(history)
        .when(...observe(draft))
        .thenNothing();
    });

    it('expired leaves the status to the revocation that follows', () => {
      spec
        .given(grantedRequest)
        .when(...observe(expired))
        .thenNothing();
    });

    it('every event of a whole life heard a second time changes nothing', () => {
      const life: EventDraft[] = [
        requested,
        approvalOpened,
        approvedStep,
        approved,
        granted,
        everyEvent.ticket_opened,
        extended,
        revokeRequested,
        expired,
        revokeFailed,
        revoked,
      ];
      for (const draft of life) {
        spec
          .given(life)
          .when(...observe(draft))
          .thenNothing();
      }
    });
  });
});
