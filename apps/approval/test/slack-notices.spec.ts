import type { EventDraft, RequestedData, ResolvedStage } from '@jit/events';
import { specEvent, specRequestId as requestId } from '@jit/events/testing';
import { approvalDecider, isApproval, type Approval, type ApprovalState } from '../src/approvals/approval.decider.js';
import { noticesOf, summaryOf } from '../src/notifications/notices.js';

const alice = 'alice@example.com';
const bob = 'bob@example.com';
const carol = 'carol@example.com';

function requested(approval: RequestedData['application']['approval'], durationSeconds = 7200): EventDraft<'requested'> {
  return {
    type: 'requested',
    data: {
      requester: alice,
      application: {
        id: 'aws-prod-console',
        name: 'AWS production console',
        oktaGroupId: '00g1awsprodconsole02',
        owners: [carol],
        approval,
      },
      durationSeconds,
      justification: 'INC-4242',
    },
  };
}

function opened(...stages: ResolvedStage[]): EventDraft<'approval_opened'> {
  return { type: 'approval_opened', data: { stages } };
}

function approved(stage: number, approver: string, final: boolean): EventDraft<'approved'> {
  return { type: 'approved', data: { stage, approver, final } };
}

const cancelled: EventDraft<'cancelled'> = { type: 'cancelled', data: { by: alice } };

/** The state that `events` lead to, from `state`. */
function after(state: ApprovalState, ...events: EventDraft[]): Approval {
  const next = events.map((draft) => specEvent(draft)).reduce(approvalDecider.evolve, state);
  if (!isApproval(next)) throw new Error(`expected an opened approval, got ${next.state}`);
  return next;
}

const nothingYet = approvalDecider.initialState;

describe('the chat notices of an approval change', () => {
  const staged = after(
    nothingYet,
    requested({ kind: 'stages', stages: [{ kind: 'manager' }, { kind: 'owners' }] }),
    opened({ source: 'manager', approvers: [bob] }, { source: 'owners', approvers: [carol] }),
  );

  it('asks every approver of the first stage when a request is opened, and nobody else', () => {
    expect(noticesOf(nothingYet, staged)).toEqual([{ kind: 'ask', requestId, approver: bob, summary: summaryOf(staged) }]);
  });

  it('puts the outcome on the decided stage and asks the next stage when a stage is approved', () => {
    const next = after(staged, approved(0, bob, false));

    expect(noticesOf(staged, next)).toEqual([
      { kind: 'update', requestId, stage: 0, outcome: `Approved by ${bob}`, summary: summaryOf(staged) },
      { kind: 'ask', requestId, approver: carol, summary: { ...summaryOf(staged), stage: 1 } },
    ]);
  });

  it('never asks the next stage of someone who approved an earlier one: one person approves one stage', () => {
    const managerAndOwner = after(
      nothingYet,
      requested({ kind: 'stages', stages: [{ kind: 'manager' }, { kind: 'owners' }] }),
      opened({ source: 'manager', approvers: [bob] }, { source: 'owners', approvers: [bob, carol] }),
    );
    const next = after(managerAndOwner, approved(0, bob, false));

    expect(noticesOf(managerAndOwner, next).filter((n) => n.kind === 'ask')).toEqual([
      { kind: 'ask', requestId, approver: carol, summary: { ...summaryOf(managerAndOwner), stage: 1 } },
    ]);
  });

  it('tells the requester who approved, once the final stage approves', () => {
    const second = after(staged, approved(0, bob, false));

    expect(noticesOf(second, after(second, approved(1, carol, true)))).toEqual([
      { kind: 'update', requestId, stage: 1, outcome: `Approved by ${carol}`, summary: summaryOf(second) },
      { kind: 'tell', requestId, login: alice, text: `Your request for AWS production console (2h) was approved by ${carol}` },
    ]);
  });

  it("tells the requester who denied, in the approver's own words", () => {
    const denial: EventDraft<'denied'> = {
      type: 'denied',
      data: { by: bob, reason: 'denied_by_approver', comment: 'not during the freeze' },
    };

    expect(noticesOf(staged, after(staged, denial))).toEqual([
      { kind: 'update', requestId, stage: 0, outcome: `Denied by ${bob}: not during the freeze`, summary: summaryOf(staged) },
      {
        kind: 'tell',
        requestId,
        login: alice,
        text: `Your request for AWS production console (2h) was denied by ${bob}: not during the freeze`,
      },
    ]);
  });

  it('tells who denied and nothing more when the approver gave no comment', () => {
    const denial: EventDraft<'denied'> = { type: 'denied', data: { by: bob, reason: 'denied_by_approver' } };

    expect(noticesOf(staged, after(staged, denial))).toEqual([
      { kind: 'update', requestId, stage: 0, outcome: `Denied by ${bob}`, summary: summaryOf(staged) },
      { kind: 'tell', requestId, login: alice, text: `Your request for AWS production console (2h) was denied by ${bob}` },
    ]);
  });

  it('tells the requester at once when the policy decides, and asks nobody', () => {
    const auto = after(nothingYet, requested({ kind: 'auto' }), opened(), approved(0, 'policy:auto', true));
    const nobody = after(nothingYet, requested({ kind: 'manager' }), opened({ source: 'manager', approvers: [] }), {
      type: 'denied',
      data: { by: 'policy', reason: 'no_eligible_approver' },
    });

    expect(noticesOf(nothingYet, auto)).toEqual([
      { kind: 'tell', requestId, login: alice, text: 'Your request for AWS production console (2h) was approved automatically' },
    ]);
    expect(noticesOf(nothingYet, nobody)).toEqual([
      { kind: 'tell', requestId, login: alice, text: 'Your request for AWS production console (2h) was denied: no eligible approver' },
    ]);
  });

  it("closes the approvers' messages of a cancelled request without telling the requester", () => {
    expect(noticesOf(staged, after(staged, cancelled))).toEqual([
      { kind: 'update', requestId, stage: 0, outcome: 'Cancelled by the requester', summary: summaryOf(staged) },
    ]);
  });

  it('says nothing when a decided request changes again', () => {
    const done = after(staged, approved(0, bob, false), approved(1, carol, true));

    expect(noticesOf(done, after(done, cancelled))).toEqual([]);
  });

  it('says durations the one way the system does, down to the second', () => {
    const texts = [5400, 2700, 86_400, 90, 20].map(
      (seconds) =>
        noticesOf(nothingYet, after(nothingYet, requested({ kind: 'auto' }, seconds), opened(), approved(0, 'policy:auto', true)))[0],
    );

    expect(texts.map((notice) => notice.kind === 'tell' && notice.text.match(/\((.*)\)/)?.[1])).toEqual([
      '1h30m',
      '45m',
      '24h',
      '1m30s',
      '20s',
    ]);
  });
});
