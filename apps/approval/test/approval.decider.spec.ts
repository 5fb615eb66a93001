import {
  ConflictError,
  ManualClock,
  NotFoundError,
  createEvent,
  type ApprovalPolicy,
  type EventDraft,
  type ResolvedStage,
} from '@jit/events';
import { DeciderSpecification, sampleData, specRequestId, specStart, type WhenOptions } from '@jit/events/testing';
import { approvalDecider, needsManager, type ApprovalCommand } from '../src/approvals/approval.decider.js';
import {
  NotAnApproverError,
  OneStagePerPersonError,
  SameKeyError,
  SelfApprovalError,
  StaleStageError,
} from '../src/approvals/approval.errors.js';

const spec = DeciderSpecification.for(approvalDecider);

const alice = 'alice@example.com';
const bob = 'bob@example.com';
const carol = 'carol@example.com';
const dave = 'dave@example.com';

const managerPolicy: ApprovalPolicy = { kind: 'manager' };
const managerThenOwners: ApprovalPolicy = { kind: 'stages', stages: [{ kind: 'manager' }, { kind: 'owners' }] };

/** `alice` (or `requester`) asks for an hour of GitHub admin, owned by `owners`, under `approval`. */
function requested(approval: ApprovalPolicy, requester = alice, owners = [carol]) {
  return {
    type: 'requested',
    data: {
      requester,
      application: { id: 'github-admin', name: 'GitHub admin', oktaGroupId: '00g1githubadmin00003', owners, approval },
      durationSeconds: 3600,
      justification: 'INC-7',
    },
  } satisfies EventDraft<'requested'>;
}

function opened(...stages: ResolvedStage[]) {
  return { type: 'approval_opened', data: { stages } } satisfies EventDraft<'approval_opened'>;
}

function approved(stage: number, approver: string, final: boolean, comment?: string) {
  return { type: 'approved', data: { stage, approver, final, ...(comment ? { comment } : {}) } } satisfies EventDraft<'approved'>;
}

function denied(by: string, comment?: string) {
  return { type: 'denied', data: { by, reason: 'denied_by_approver', ...(comment ? { comment } : {}) } } satisfies EventDraft<'denied'>;
}

const policyDenial = { type: 'denied', data: { by: 'policy', reason: 'no_eligible_approver' } } satisfies EventDraft<'denied'>;
const autoApproval = approved(0, 'policy:auto', true);
const cancelled = { type: 'cancelled', data: { by: alice } } satisfies EventDraft<'cancelled'>;

/** The `open` command for a request (with the manager the directory knows), and the request as its cause. */
function opening(request: EventDraft<'requested'>, manager?: string): [ApprovalCommand, WhenOptions] {
  return [{ kind: 'open', requested: request.data, manager }, { cause: request }];
}

/** The `observe_cancelled` command, with the cancellation as its cause. */
const observingCancelled: [ApprovalCommand, WhenOptions] = [{ kind: 'observe_cancelled' }, { cause: cancelled }];

/** A request under the manager policy whose approval is open, waiting for bob. */
const waitingForBob = [requested(managerPolicy), opened({ source: 'manager', approvers: [bob] })];

/** A request under the manager-then-owners policy whose approval is open, waiting for bob, then carol. */
const staged = [requested(managerThenOwners), opened({ source: 'manager', approvers: [bob] }, { source: 'owners', approvers: [carol] })];

describe('approval rules', () => {
  describe('opening a request', () => {
    it('approves an auto-approved request at once, finally, on behalf of the policy, with no stage to decide', () => {
      const state = spec
        .given([])
        .when(...opening(requested({ kind: 'auto' })))
        .then([opened(), autoApproval]);

      expect(state).toMatchObject({
        state: 'approved',
        stages: [],
        decisions: [{ stage: 0, by: 'policy:auto', outcome: 'approved', at: specStart }],
      });
    });

    it("makes the requester's manager the one approver of a manager policy and waits", () => {
      const state = spec
        .given([])
        .when(...opening(requested(managerPolicy), bob))
        .then([opened({ source: 'manager', approvers: [bob] })]);

      expect(state).toEqual({
        requestId: specRequestId,
        requester: alice,
        application: requested(managerPolicy).data.application,
        durationSeconds: 3600,
        justification: 'INC-7',
        stages: [[bob]],
        stage: 0,
        approvers: [bob],
        stagePolicies: [{ required: 1 }],
        decisions: [],
        state: 'pending',
      });
    });

    it('resolves every stage in order, naming where its approvers came from: manager, owners, listed users', () => {
      const policy: ApprovalPolicy = {
        kind: 'stages',
        stages: [{ kind: 'manager' }, { kind: 'owners' }, { kind: 'users', users: [dave] }],
      };

      const state = spec
        .given([])
        .when(...opening(requested(policy), bob))
        .then([
          opened({ source: 'manager', approvers: [bob] }, { source: 'owners', approvers: [carol] }, { source: 'users', approvers: [dave] }),
        ]);

      expect(state).toMatchObject({ state: 'pending', stages: [[bob], [carol], [dave]], stage: 0, approvers: [bob] });
    });

    it('never makes the requester an approver, and names each approver once, even when the policy lists them twice', () => {
      const policy: ApprovalPolicy = { kind: 'stages', stages: [{ kind: 'owners' }, { kind: 'users', users: [dave, carol, bob, dave] }] };

      spec
        .given([])
        .when(...opening(requested(policy, carol, [carol, dave, dave])))
        .then([opened({ source: 'owners', approvers: [dave] }, { source: 'users', approvers: [dave, bob] })]);
    });

    it('denies a request whose manager is unknown: nobody is eligible to approve', () => {
      const state = spec
        .given([])
        .when(...opening(requested(managerPolicy)))
        .then([opened({ source: 'manager', approvers: [] }), policyDenial]);

      expect(state).toMatchObject({
        state: 'denied',
        decisions: [{ stage: 0, by: 'policy', outcome: 'denied', reason: 'no_eligible_approver' }],
      });
    });

    it('denies a request when a later stage has only the requester as approver', () => {
      spec
        .given([])
        .when(...opening(requested(managerThenOwners, carol, [carol]), bob))
        .then([opened({ source: 'manager', approvers: [bob] }, { source: 'owners', approvers: [] }), policyDenial]);
    });

    it('denies a request whose stages cannot each have a different approver, since one person approves one stage', () => {
      spec
        .given([])
        .when(...opening(requested(managerThenOwners, alice, [bob]), bob))
        .then([opened({ source: 'manager', approvers: [bob] }, { source: 'owners', approvers: [bob] }), policyDenial]);
    });

    it('opens a request whose stages share approvers as long as each stage can have its own', () => {
      const policy: ApprovalPolicy = {
        kind: 'stages',
        stages: [{ kind: 'users', users: [bob, carol] }, { kind: 'manager' }, { kind: 'owners' }],
      };

      spec
        .given([])
        .when(...opening(requested(policy, alice, [carol, dave]), bob))
        .then([
          opened(
            { source: 'users', approvers: [bob, carol] },
            { source: 'manager', approvers: [bob] },
            { source: 'owners', approvers: [carol, dave] },
          ),
        ]);
    });

    it('denies a request whose requester the directory names as their own manager', () => {
      spec
        .given([])
        .when(...opening(requested(managerPolicy, bob), bob))
        .then([opened({ source: 'manager', approvers: [] }), policyDenial]);
    });

    it('opens the approval of a request it heard of but whose approvers are not resolved yet', () => {
      spec
        .given([requested(managerPolicy)])
        .when(...opening(requested(managerPolicy), bob))
        .then([opened({ source: 'manager', approvers: [bob] })]);
    });

    it('does nothing when a request arrives again, whatever its approval has become', () => {
      spec
        .given(waitingForBob)
        .when(...opening(requested(managerPolicy), bob))
        .thenNothing();
      spec
        .given([requested({ kind: 'auto' }), opened(), autoApproval])
        .when(...opening(requested({ kind: 'auto' })))
        .thenNothing();
      spec
        .given([...waitingForBob, cancelled])
        .when(...opening(requested(managerPolicy), bob))
        .thenNothing();
    });

    it('asks the directory for a manager only when the policy needs one', () => {
      expect(
        [{ kind: 'auto' }, managerPolicy, managerThenOwners, { kind: 'stages', stages: [{ kind: 'owners' }] }].map((p) =>
          needsManager(p as ApprovalPolicy),
        ),
      ).toEqual([false, true, true, false]);
    });
  });

  describe('deciding', () => {
    it('gives the final approval when the only approver approves, with their comment', () => {
      const state = spec
        .given(waitingForBob)
        .when({ kind: 'approve', by: bob, comment: 'ok' }, { at: '2026-01-01T09:00:00.000Z' })
        .then([approved(0, bob, true, 'ok')]);

      expect(state).toMatchObject({
        state: 'approved',
        stage: 0,
        decisions: [{ stage: 0, by: bob, outcome: 'approved', comment: 'ok', at: '2026-01-01T09:00:00.000Z' }],
      });
    });

    it('marks a first-stage approval of a staged request as not final and moves to the next stage', () => {
      const state = spec
        .given(staged)
        .when({ kind: 'approve', by: bob })
        .then([approved(0, bob, false)]);

      expect(state).toMatchObject({ state: 'pending', stage: 1, approvers: [carol] });
    });

    it('lets only the next stage approve once the first approved, and its approval is final', () => {
      const afterBob = [...staged, approved(0, bob, false)];

      spec.given(afterBob).when({ kind: 'approve', by: carol, stage: 0 }).thenRefused(StaleStageError);
      const state = spec
        .given(afterBob)
        .when({ kind: 'approve', by: carol })
        .then([approved(1, carol, true)]);

      expect(state).toMatchObject({
        state: 'approved',
        stage: 1,
        decisions: [
          { stage: 0, by: bob, outcome: 'approved' },
          { stage: 1, by: carol, outcome: 'approved' },
        ],
      });
    });

    it("denies with the approver as `by`, the system's reason, and the approver's words as the comment", () => {
      const state = spec
        .given(waitingForBob)
        .when({ kind: 'deny', by: bob, comment: 'not during the freeze' })
        .then([denied(bob, 'not during the freeze')]);

      expect(state).toMatchObject({
        state: 'denied',
        decisions: [{ stage: 0, by: bob, outcome: 'denied', reason: 'denied_by_approver', comment: 'not during the freeze' }],
      });
    });

    it('denies without a comment when the approver gave none', () => {
      spec
        .given(waitingForBob)
        .when({ kind: 'deny', by: bob })
        .then([denied(bob)]);
    });

    it('tells nobody but the requester that a request whose approvers are not resolved yet exists (404)', () => {
      spec
        .given([requested(managerPolicy)])
        .when({ kind: 'approve', by: bob })
        .thenRefused(NotFoundError, 'no approval is known for this request');
    });

    it('decides the stage the answer names when it is the current one', () => {
      spec
        .given([...staged, approved(0, bob, false)])
        .when({ kind: 'approve', by: carol, stage: 1 })
        .then([approved(1, carol, true)]);
    });
  });

  describe('refusing', () => {
    it('never lets a requester approve or deny their own request (403)', () => {
      const refusal = spec
        .given(waitingForBob)
        .when({ kind: 'approve', by: alice })
        .thenRefused(SelfApprovalError, 'a requester can never decide on their own request');
      spec.given(waitingForBob).when({ kind: 'deny', by: alice }).thenRefused(SelfApprovalError);

      expect(refusal.status).toBe(403);
    });

    it('a key that asked for a request can never approve or deny it, whoever it acts for (403)', () => {
      const throughPortal = { kind: 'api_key', name: 'portal' } as const;
      const requestedThroughPortal = createEvent(
        requested(managerPolicy),
        { requestId: specRequestId, actor: alice, via: throughPortal },
        new ManualClock(specStart),
      );
      const given = [requestedThroughPortal, opened({ source: 'manager', approvers: [bob] })];

      const refusal = spec
        .given(given)
        .when({ kind: 'approve', by: bob, via: throughPortal })
        .thenRefused(SameKeyError, 'API key "portal" asked for this request and can never decide it, whoever it acts for');
      spec.given(given).when({ kind: 'deny', by: bob, via: throughPortal }).thenRefused(SameKeyError);
      expect(refusal.status).toBe(403);

      spec
        .given(given)
        .when({ kind: 'approve', by: bob, via: { kind: 'api_key', name: 'approvals-bot' } })
        .then([approved(0, bob, true)]);
      spec
        .given(given)
        .when({ kind: 'approve', by: bob })
        .then([approved(0, bob, true)]);
    });

    it('never lets a requester approve when the directory named them as their own manager', () => {
      spec
        .given([requested(managerPolicy, bob), opened({ source: 'manager', approvers: [] }), policyDenial])
        .when({ kind: 'approve', by: bob })
        .thenRefused(SelfApprovalError);
    });

    it('refuses an approver of a later stage deciding the current one (403)', () => {
      const refusal = spec
        .given(staged)
        .when({ kind: 'approve', by: carol })
        .thenRefused(NotAnApproverError, `${carol} is not an approver of stage 0 of this request`);

      expect(refusal.status).toBe(403);
    });

    it('tells someone who is no approver of any stage that the request does not exist (404), whatever its state', () => {
      for (const history of [waitingForBob, [...waitingForBob, approved(0, bob, true)], [...waitingForBob, denied(bob)]]) {
        const refusal = spec
          .given(history)
          .when({ kind: 'deny', by: dave })
          .thenRefused(NotFoundError, 'no approval is known for this request');
        expect(refusal.status).toBe(404);
      }
    });

    it('a second approval of a denied request is rejected and grants nothing', () => {
      const refusal = spec
        .given([...waitingForBob, denied(bob, 'no')])
        .when({ kind: 'approve', by: bob })
        .thenRefused(ConflictError, /^the request is already denied$/);

      expect(refusal.status).toBe(409);
    });

    it('a second decision on an approved request is rejected', () => {
      spec
        .given([...waitingForBob, approved(0, bob, true)])
        .when({ kind: 'deny', by: bob })
        .thenRefused(ConflictError, /^the request is already approved$/);
    });

    it('a decision after the requester cancelled is rejected', () => {
      spec
        .given([...waitingForBob, cancelled])
        .when({ kind: 'approve', by: bob })
        .thenRefused(ConflictError, /^the request is already cancelled$/);
    });

    it('answers not found for a request it never heard of (404)', () => {
      const refusal = spec.given([]).when({ kind: 'approve', by: bob }).thenRefused(NotFoundError, 'no approval is known for this request');

      expect(refusal.status).toBe(404);
    });
  });

  describe('one identity per person', () => {
    it('never lets Carol@ approve the request she made as carol@, though carol@ owns the application', () => {
      const history = [
        requested(managerThenOwners, 'Carol@Example.com', ['carol@example.com']),
        opened({ source: 'manager', approvers: [bob] }, { source: 'owners', approvers: [dave] }),
      ];
      spec.given(history).when({ kind: 'approve', by: 'carol@example.com' }).thenRefused(SelfApprovalError);
      spec.given(history).when({ kind: 'approve', by: ' CAROL@example.com ' }).thenRefused(SelfApprovalError);
    });

    it('leaves the requester out of the approvers whatever the case of her login in the catalog', () => {
      spec
        .given([])
        .when(...opening(requested(managerThenOwners, 'Carol@Example.com', ['carol@example.com', 'Dave@Example.com']), 'BOB@example.com'))
        .then([opened({ source: 'manager', approvers: [bob] }, { source: 'owners', approvers: [dave] })]);
    });

    it('recognises an approver named in mixed case by older events, and records the decision in canonical form', () => {
      const history = [requested(managerPolicy, 'Alice@Example.com'), opened({ source: 'manager', approvers: ['Bob@Example.com'] })];

      const state = spec
        .given(history)
        .when({ kind: 'approve', by: 'BOB@example.com' })
        .then([approved(0, bob, true)]);

      expect(state).toMatchObject({ requester: alice, stages: [[bob]], decisions: [{ by: bob }] });
    });
  });

  describe('one person, one stage', () => {
    const managerAndOwner = [
      requested(managerThenOwners, alice, [bob, carol]),
      opened({ source: 'manager', approvers: [bob] }, { source: 'owners', approvers: [bob, carol] }),
    ];

    it('a manager who is also an owner approves one stage; the next needs someone else', () => {
      const refusal = spec
        .given([...managerAndOwner, approved(0, bob, false)])
        .when({ kind: 'approve', by: bob, stage: 1 })
        .thenRefused(
          OneStagePerPersonError,
          `${bob} already approved stage 0 of this request and one person approves one stage: stage 1 needs someone else (${carol})`,
        );

      expect(refusal.status).toBe(403);
      spec
        .given([...managerAndOwner, approved(0, bob, false)])
        .when({ kind: 'approve', by: carol, stage: 1 })
        .then([approved(1, carol, true)]);
    });

    it('says clearly when nobody else can approve the next stage', () => {
      spec
        .given([
          requested(managerThenOwners, alice, [bob]),
          opened({ source: 'manager', approvers: [bob] }, { source: 'owners', approvers: [bob] }),
          approved(0, bob, false),
        ])
        .when({ kind: 'approve', by: bob, stage: 1 })
        .thenRefused(OneStagePerPersonError, /nobody else can approve stage 1, so this request cannot be approved by you$/);
    });

    it('still lets the person who approved a stage deny a later one they are an approver of', () => {
      spec
        .given([...managerAndOwner, approved(0, bob, false)])
        .when({ kind: 'deny', by: bob, stage: 1 })
        .then([denied(bob)]);
    });
  });

  describe('answers that name their stage', () => {
    it('an answer for a stage that is no longer current changes nothing and says so (409 stale_stage)', () => {
      const refusal = spec
        .given([...staged, approved(0, bob, false)])
        .when({ kind: 'deny', by: carol, stage: 0 })
        .thenRefused(StaleStageError, 'the answer was for stage 0, which is no longer open: stage 1 is waiting; nothing was changed');

      expect(refusal).toMatchObject({ status: 409, code: 'stale_stage', details: { stage: 0, currentStage: 1, state: 'pending' } });
    });

    it('an answer for a stage of a request already decided is stale too', () => {
      spec
        .given([...staged, approved(0, bob, false), denied(carol)])
        .when({ kind: 'approve', by: carol, stage: 0 })
        .thenRefused(StaleStageError, /the request is already denied; nothing was changed$/);
    });

    it('an answer for a stage not reached yet is refused as not current', () => {
      spec
        .given(staged)
        .when({ kind: 'approve', by: carol, stage: 1 })
        .thenRefused(StaleStageError, /stage 0 is waiting/);
    });

    it('a repeated click or client retry is already decided: nothing is published, the stage moved on or not', () => {
      spec
        .given([...staged, approved(0, bob, false)])
        .when({ kind: 'approve', by: bob, stage: 0 })
        .thenNothing();
      spec
        .given([...staged, approved(0, bob, false)])
        .when({ kind: 'approve', by: bob })
        .thenNothing();
      spec
        .given([...waitingForBob, approved(0, bob, true)])
        .when({ kind: 'approve', by: 'Bob@Example.com', stage: 0 })
        .thenNothing();
      spec
        .given([...waitingForBob, denied(bob)])
        .when({ kind: 'deny', by: bob })
        .thenNothing();
    });

    it('the opposite answer after a decision is not a repeat: it is refused', () => {
      spec
        .given([...waitingForBob, approved(0, bob, true)])
        .when({ kind: 'deny', by: bob, stage: 0 })
        .thenRefused(StaleStageError);
    });
  });

  describe('observing a cancellation', () => {
    it('closes a pending approval, so no decision on it counts any more', () => {
      const state = spec
        .given(waitingForBob)
        .when(...observingCancelled)
        .then([]);

      expect(state).toMatchObject({ state: 'cancelled', stage: 0, approvers: [bob], decisions: [] });
    });

    it('closes an approval that was approved before the cancellation arrived', () => {
      const state = spec
        .given([...waitingForBob, approved(0, bob, true)])
        .when(...observingCancelled)
        .then([]);

      expect(state).toMatchObject({ state: 'cancelled' });
    });

    it('keeps a denied request denied when a cancellation arrives late, whether decided or rebuilt from the stream', () => {
      spec
        .given([...waitingForBob, denied(bob)])
        .when(...observingCancelled)
        .thenNothing();
      spec
        .given([...waitingForBob, denied(bob), cancelled])
        .when({ kind: 'approve', by: bob })
        .thenRefused(ConflictError, /^the request is already denied$/);
    });

    it('does nothing for a cancellation seen twice', () => {
      spec
        .given([...waitingForBob, cancelled])
        .when(...observingCancelled)
        .thenNothing();
    });

    it('waits for the approval when the cancellation arrives before it is open', () => {
      spec
        .given([])
        .when(...observingCancelled)
        .thenNotYet();
      spec
        .given([requested(managerPolicy)])
        .when(...observingCancelled)
        .thenNotYet();
    });
  });

  describe('state rebuilt from the stream', () => {
    it('folds the request, the resolved stages, each decision and the access (its extended expiry) into the approval', () => {
      const state = spec
        .given([
          ...staged,
          { ...approved(0, bob, false, 'fine by me'), at: '2026-01-01T08:00:00.000Z' },
          { type: 'granted', data: sampleData.granted },
          { type: 'extended', data: sampleData.extended },
        ])
        .when({ kind: 'approve', by: carol }, { at: '2026-01-01T09:00:00.000Z' })
        .then([approved(1, carol, true)]);

      expect(state).toEqual({
        requestId: specRequestId,
        requester: alice,
        application: requested(managerThenOwners).data.application,
        durationSeconds: 3600,
        justification: 'INC-7',
        stages: [[bob], [carol]],
        stage: 1,
        approvers: [carol],
        stagePolicies: [{ required: 1 }, { required: 1 }],
        decisions: [
          { stage: 0, by: bob, outcome: 'approved', comment: 'fine by me', at: '2026-01-01T08:00:00.000Z' },
          { stage: 1, by: carol, outcome: 'approved', at: '2026-01-01T09:00:00.000Z' },
        ],
        state: 'approved',
        access: { state: 'granted', grantedAt: sampleData.granted.grantedAt, expiresAt: sampleData.extended.expiresAt },
      });
    });

    it('knows no approval from decisions heard without their request', () => {
      spec
        .given([approved(0, bob, false), denied(bob), cancelled, opened({ source: 'manager', approvers: [bob] })])
        .when({ kind: 'approve', by: bob })
        .thenRefused(NotFoundError);
    });

    it('ignores every event type that is not about approval', () => {
      const others = (['granted', 'grant_failed', 'expired', 'revoke_requested', 'revoked', 'revoke_failed', 'extended'] as const).map(
        (type) => ({ type, data: sampleData[type] }) as EventDraft,
      );

      spec
        .given([...waitingForBob, ...others])
        .when({ kind: 'approve', by: bob })
        .then([approved(0, bob, true)]);
    });
  });
});
