import { ManualClock, createEvent, type RequestedData } from '@jit/events';
import { evolve, openApproval, type Approval } from '../src/approvals/approval.decider.js';
import { durationText, noticesOf, summaryOf } from '../src/slack/notices.js';

const requestId = '0b9e1c3a-6f0e-4d55-9a55-7d1c1d1e2f30';
const clock = new ManualClock('2026-03-02T10:00:00.000Z');

function requested(approval: RequestedData['application']['approval']): RequestedData {
  return {
    requester: 'alice@example.com',
    application: {
      id: 'aws-prod-console',
      name: 'AWS production console',
      oktaGroupId: '00g1awsprodconsole02',
      owners: ['carol@example.com'],
      approval,
    },
    durationSeconds: 7200,
    justification: 'INC-4242',
  };
}

function approved(approval: Approval, approver: string, final: boolean): Approval {
  return evolve(
    approval,
    createEvent({ type: 'approved', data: { stage: approval.stage, approver, final } }, { requestId, actor: approver }, clock),
  );
}

function denied(approval: Approval, by: string, reason: string): Approval {
  return evolve(approval, createEvent({ type: 'denied', data: { by, reason } }, { requestId, actor: by }, clock));
}

describe('the chat notices of an approval change', () => {
  const staged = openApproval(
    requestId,
    requested({ kind: 'stages', stages: [{ kind: 'manager' }, { kind: 'owners' }] }),
    'bob@example.com',
  );

  it('asks every approver of the first stage when a request is opened, and nobody else', () => {
    expect(noticesOf(undefined, staged)).toEqual([{ kind: 'ask', requestId, approver: 'bob@example.com', summary: summaryOf(staged) }]);
  });

  it('puts the outcome on the decided stage and asks the next stage when a stage is approved', () => {
    const next = approved(staged, 'bob@example.com', false);

    expect(noticesOf(staged, next)).toEqual([
      { kind: 'update', requestId, stage: 0, outcome: 'Approved by bob@example.com', summary: summaryOf(staged) },
      { kind: 'ask', requestId, approver: 'carol@example.com', summary: { ...summaryOf(staged), stage: 1 } },
    ]);
  });

  it('tells the requester who approved, once the final stage approves', () => {
    const second = approved(staged, 'bob@example.com', false);

    expect(noticesOf(second, approved(second, 'carol@example.com', true))).toEqual([
      { kind: 'update', requestId, stage: 1, outcome: 'Approved by carol@example.com', summary: summaryOf(second) },
      {
        kind: 'tell',
        requestId,
        login: 'alice@example.com',
        text: 'Your request for AWS production console (2h) was approved by carol@example.com',
      },
    ]);
  });

  it('tells the requester who denied and why', () => {
    expect(noticesOf(staged, denied(staged, 'bob@example.com', 'not during the freeze'))).toEqual([
      { kind: 'update', requestId, stage: 0, outcome: 'Denied by bob@example.com: not during the freeze', summary: summaryOf(staged) },
      {
        kind: 'tell',
        requestId,
        login: 'alice@example.com',
        text: 'Your request for AWS production console (2h) was denied by bob@example.com: not during the freeze',
      },
    ]);
  });

  it('tells the requester at once when the policy decides, and asks nobody', () => {
    const auto = approved(openApproval(requestId, requested({ kind: 'auto' }), undefined), 'policy:auto', true);
    const nobody = denied(openApproval(requestId, requested({ kind: 'manager' }), undefined), 'policy', 'no eligible approver');

    expect(noticesOf(undefined, auto)).toEqual([
      {
        kind: 'tell',
        requestId,
        login: 'alice@example.com',
        text: 'Your request for AWS production console (2h) was approved automatically',
      },
    ]);
    expect(noticesOf(undefined, nobody)).toEqual([
      {
        kind: 'tell',
        requestId,
        login: 'alice@example.com',
        text: 'Your request for AWS production console (2h) was denied: no eligible approver',
      },
    ]);
  });

  it("closes the approvers' messages of a cancelled request without telling the requester", () => {
    const cancelled = { ...staged, state: 'cancelled' as const };

    expect(noticesOf(staged, cancelled)).toEqual([
      { kind: 'update', requestId, stage: 0, outcome: 'Cancelled by the requester', summary: summaryOf(staged) },
    ]);
  });

  it('says nothing when a decided request changes again', () => {
    const done = approved(approved(staged, 'bob@example.com', false), 'carol@example.com', true);

    expect(noticesOf(done, { ...done, state: 'cancelled' })).toEqual([]);
  });

  it('says durations as people do', () => {
    expect([durationText(7200), durationText(5400), durationText(2700), durationText(86_400)]).toEqual(['2h', '1h 30m', '45m', '24h']);
  });
});
