import { ManualClock, createEvent, type ApprovalPolicy, type EventDraft, type RequestedData } from '@jit/events';
import { ConflictError, DomainError, NotFoundError } from '@jit/platform';
import {
  decide,
  evolve,
  needsManager,
  openApproval,
  type Approval,
  type ApprovalCommand,
  type ApprovalDraft,
  type ApprovalEvent,
} from '../src/approvals/approval.decider.js';
import { NotAnApproverError, SelfApprovalError } from '../src/approvals/approval.errors.js';

const requestId = '7b0f3f0e-4f1a-4b8e-9d55-5a8f3c1e2d10';
const alice = 'alice@example.com';
const bob = 'bob@example.com';
const carol = 'carol@example.com';
const dave = 'dave@example.com';
const clock = new ManualClock('2026-01-01T09:00:00.000Z');

function requested(approval: ApprovalPolicy, requester = alice, owners = [carol]): RequestedData {
  return {
    requester,
    application: { id: 'github-admin', name: 'GitHub admin', oktaGroupId: '00g1githubadmin00003', owners, approval },
    durationSeconds: 3600,
    justification: 'INC-7',
  };
}

/** Given a request (and the manager the directory knows), opened and then changed by `events`. */
function given(data: RequestedData, manager: string | undefined, ...events: EventDraft<'approved' | 'denied' | 'cancelled'>[]): Approval {
  return events.reduce(
    (approval, draft) => evolve(approval, createEvent(draft, { requestId, actor: 'test' }, clock) as ApprovalEvent),
    openApproval(requestId, data, manager),
  );
}

/** When `command` is decided on `approval`, then: its drafts, or the error. */
function when(approval: Approval | undefined, command: ApprovalCommand): ApprovalDraft[] | DomainError {
  return decide(command, approval);
}

/** Applies the drafts a decision produced. */
function apply(approval: Approval, drafts: ApprovalDraft[] | DomainError): Approval {
  if (drafts instanceof DomainError) throw drafts;
  return drafts.reduce((state, draft) => evolve(state, createEvent(draft, { requestId, actor: 'test' }, clock)), approval);
}

const managerPolicy: ApprovalPolicy = { kind: 'manager' };
const managerThenOwners: ApprovalPolicy = { kind: 'stages', stages: [{ kind: 'manager' }, { kind: 'owners' }] };

describe('approval decider', () => {
  describe('opening a request', () => {
    it('approves an auto-approved request at once, finally, on behalf of the policy', () => {
      const approval = given(requested({ kind: 'auto' }), undefined);

      const drafts = when(approval, { kind: 'open' });

      expect(drafts).toEqual([{ type: 'approved', data: { stage: 0, approver: 'policy:auto', final: true } }]);
      expect(apply(approval, drafts).state).toBe('approved');
    });

    it("makes the requester's manager the one approver of a manager policy and waits", () => {
      const approval = given(requested(managerPolicy), bob);

      expect(when(approval, { kind: 'open' })).toEqual([]);
      expect(approval).toMatchObject({ state: 'pending', stage: 0, approvers: [bob], stages: [[bob]] });
    });

    it('resolves every stage in order: manager, owners, listed users', () => {
      const policy: ApprovalPolicy = {
        kind: 'stages',
        stages: [{ kind: 'manager' }, { kind: 'owners' }, { kind: 'users', users: [dave] }],
      };

      const approval = given(requested(policy), bob);

      expect(approval.stages).toEqual([[bob], [carol], [dave]]);
      expect(approval.approvers).toEqual([bob]);
    });

    it('never lets the requester approve, even when the policy names them', () => {
      const approval = given(requested({ kind: 'stages', stages: [{ kind: 'owners' }] }, carol, [carol, dave]), undefined);

      expect(approval.approvers).toEqual([dave]);
    });

    it('denies a request whose manager is unknown: nobody is eligible to approve', () => {
      const approval = given(requested(managerPolicy), undefined);

      const drafts = when(approval, { kind: 'open' });

      expect(drafts).toEqual([{ type: 'denied', data: { by: 'policy', reason: 'no eligible approver' } }]);
      expect(apply(approval, drafts).state).toBe('denied');
    });

    it('denies a request when a later stage has only the requester as approver', () => {
      const approval = given(requested(managerThenOwners, carol, [carol]), bob);

      expect(when(approval, { kind: 'open' })).toEqual([{ type: 'denied', data: { by: 'policy', reason: 'no eligible approver' } }]);
    });

    it('asks the directory for a manager only when the policy needs one', () => {
      expect(
        [{ kind: 'auto' }, managerPolicy, managerThenOwners, { kind: 'stages', stages: [{ kind: 'owners' }] }].map((p) =>
          needsManager(p as ApprovalPolicy),
        ),
      ).toEqual([false, true, true, false]);
    });

    it('decides nothing more when an opened request is opened again', () => {
      const approval = given(requested({ kind: 'auto' }), undefined, {
        type: 'approved',
        data: { stage: 0, approver: 'policy:auto', final: true },
      });

      expect(when(approval, { kind: 'open' })).toEqual([]);
    });
  });

  describe('deciding', () => {
    it('gives the final approval when the only approver approves', () => {
      const approval = given(requested(managerPolicy), bob);

      const drafts = when(approval, { kind: 'approve', by: bob, comment: 'ok' });

      expect(drafts).toEqual([{ type: 'approved', data: { stage: 0, approver: bob, final: true, comment: 'ok' } }]);
      expect(apply(approval, drafts)).toMatchObject({
        state: 'approved',
        decisions: [{ stage: 0, by: bob, outcome: 'approved', comment: 'ok' }],
      });
    });

    it('moves a staged request to the next stage on a non-final approval, and only the next stage approves it', () => {
      const approval = apply(
        given(requested(managerThenOwners), bob),
        when(given(requested(managerThenOwners), bob), { kind: 'approve', by: bob }),
      );

      expect(approval).toMatchObject({ state: 'pending', stage: 1, approvers: [carol] });
      expect(when(approval, { kind: 'approve', by: bob })).toBeInstanceOf(NotAnApproverError);
      expect(when(approval, { kind: 'approve', by: carol })).toEqual([
        { type: 'approved', data: { stage: 1, approver: carol, final: true } },
      ]);
    });

    it('marks a first-stage approval of a staged request as not final', () => {
      expect(when(given(requested(managerThenOwners), bob), { kind: 'approve', by: bob })).toEqual([
        { type: 'approved', data: { stage: 0, approver: bob, final: false } },
      ]);
    });

    it('denies with the approver and their comment as the reason', () => {
      const approval = given(requested(managerPolicy), bob);

      const drafts = when(approval, { kind: 'deny', by: bob, comment: 'not during the freeze' });

      expect(drafts).toEqual([{ type: 'denied', data: { by: bob, reason: 'not during the freeze' } }]);
      expect(apply(approval, drafts).state).toBe('denied');
    });

    it('gives a denial without comment a reason anyway', () => {
      expect(when(given(requested(managerPolicy), bob), { kind: 'deny', by: bob })).toEqual([
        { type: 'denied', data: { by: bob, reason: 'denied by approver' } },
      ]);
    });
  });

  describe('refusing', () => {
    it('never lets a requester approve their own request, even when the directory names them as their own manager', () => {
      const approval = given(requested(managerPolicy, bob), bob);

      expect(when(approval, { kind: 'approve', by: bob })).toBeInstanceOf(SelfApprovalError);
      expect(when(given(requested(managerPolicy), bob), { kind: 'approve', by: alice })).toBeInstanceOf(SelfApprovalError);
    });

    it('refuses a decision by someone who is not an approver of the current stage', () => {
      const refusal = when(given(requested(managerPolicy), bob), { kind: 'approve', by: dave });

      expect(refusal).toBeInstanceOf(NotAnApproverError);
      expect((refusal as DomainError).status).toBe(403);
    });

    it('a second approval of a denied request is rejected and grants nothing', () => {
      const approval = given(requested(managerPolicy), bob, { type: 'denied', data: { by: bob, reason: 'no' } });

      const refusal = when(approval, { kind: 'approve', by: bob });

      expect(refusal).toBeInstanceOf(ConflictError);
      expect((refusal as DomainError).message).toBe('the request is already denied');
    });

    it('a second decision on an approved request is rejected', () => {
      const approval = given(requested(managerPolicy), bob, { type: 'approved', data: { stage: 0, approver: bob, final: true } });

      expect(when(approval, { kind: 'deny', by: bob })).toBeInstanceOf(ConflictError);
    });

    it('a decision after the requester cancelled is rejected', () => {
      const approval = given(requested(managerPolicy), bob, { type: 'cancelled', data: { by: alice } });

      expect(approval.state).toBe('cancelled');
      expect((when(approval, { kind: 'approve', by: bob }) as DomainError).message).toBe('the request is already cancelled');
    });

    it('answers not found for a request it never heard of', () => {
      expect(when(undefined, { kind: 'approve', by: bob })).toBeInstanceOf(NotFoundError);
    });
  });

  describe('cancelling', () => {
    it('keeps a denied request denied when a cancellation arrives late', () => {
      expect(
        given(
          requested(managerPolicy),
          bob,
          { type: 'denied', data: { by: bob, reason: 'no' } },
          { type: 'cancelled', data: { by: alice } },
        ).state,
      ).toBe('denied');
    });
  });
});
