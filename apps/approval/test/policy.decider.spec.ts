import type { ApprovalPolicy, ApprovalRule, EventDraft, RequestedData } from '@jit/events';
import { DeciderSpecification, type WhenOptions } from '@jit/events/testing';
import { approvalDecider, type ApprovalCommand } from '../src/approvals/approval.decider.js';
import { isWithin } from '../src/policy/rules.js';

const spec = DeciderSpecification.for(approvalDecider);

const alice = 'alice@example.com';
const bob = 'bob@example.com';
const carol = 'carol@example.com';
const dave = 'dave@example.com';
const erin = 'erin@example.com';

const oncall = '00g1oncall0000000001';
const staff = '00g1staff00000000002';
const managerPolicy: ApprovalPolicy = { kind: 'manager' };

/** London office hours, Monday to Friday. */
const officeHours = { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, from: '09:00', to: '17:00', timeZone: 'Europe/London' };
/** 2026-03-02 is a Monday; 10:00 UTC is 10:00 in London (GMT) and 19:00 in Tokyo. */
const mondayMorning = '2026-03-02T10:00:00.000Z';
const mondayNight = '2026-03-02T22:00:00.000Z';

function requested(extra: Partial<RequestedData['application']> = {}, durationSeconds = 3600): EventDraft<'requested'> {
  return {
    type: 'requested',
    data: {
      requester: alice,
      application: {
        id: 'github-admin',
        name: 'GitHub admin',
        oktaGroupId: '00g1githubadmin00003',
        owners: [carol],
        approval: managerPolicy,
        ...extra,
      },
      durationSeconds,
      justification: 'INC-7',
    },
  };
}

function opening(request: EventDraft<'requested'>, groups?: string[], at?: string): [ApprovalCommand, WhenOptions] {
  return [
    { kind: 'open', requested: request.data, manager: bob, ...(groups ? { groups } : {}) },
    { cause: request, ...(at ? { at } : {}) },
  ];
}

const rule = (name: string, effect: ApprovalRule['effect'], when: ApprovalRule['when']): ApprovalRule => ({ name, effect, when });
const waitingForBob: EventDraft<'approval_opened'> = {
  type: 'approval_opened',
  data: { stages: [{ source: 'manager', approvers: [bob] }] },
};

describe('approval rules of the catalog: tried in order, the first that holds decides, its name recorded', () => {
  it('approves a requester in a given Okta group at once, naming the rule; someone outside it waits for the stages', () => {
    const request = requested({ rules: [rule('on-call engineers', 'approve', { requesterInGroup: oncall })] });

    spec
      .given([])
      .when(...opening(request, [oncall]))
      .then([
        { type: 'approval_opened', data: { stages: [], rule: 'on-call engineers' } },
        { type: 'approved', data: { stage: 0, approver: 'policy:rule', final: true, rule: 'on-call engineers' } },
      ]);
    spec
      .given([])
      .when(...opening(request, [staff]))
      .then([waitingForBob]);
  });

  it('approves a request of at most a duration bound; a longer one waits', () => {
    const request = (seconds: number) => requested({ rules: [rule('short fixes', 'approve', { durationAtMostSeconds: 900 })] }, seconds);

    spec
      .given([])
      .when(...opening(request(900)))
      .then([
        { type: 'approval_opened', data: { stages: [], rule: 'short fixes' } },
        { type: 'approved', data: { stage: 0, approver: 'policy:rule', final: true, rule: 'short fixes' } },
      ]);
    spec
      .given([])
      .when(...opening(request(901)))
      .then([waitingForBob]);
  });

  it('approves inside a time window read in its own time zone, and not outside it', () => {
    const request = requested({ rules: [rule('office hours', 'approve', { within: { ...officeHours, days: [...officeHours.days] } })] });
    const tokyo = requested({
      rules: [rule('tokyo office hours', 'approve', { within: { ...officeHours, days: [...officeHours.days], timeZone: 'Asia/Tokyo' } })],
    });

    spec
      .given([])
      .when(...opening(request, undefined, mondayMorning))
      .then([
        { type: 'approval_opened', data: { stages: [], rule: 'office hours' } },
        { type: 'approved', data: { stage: 0, approver: 'policy:rule', final: true, rule: 'office hours' } },
      ]);
    spec
      .given([])
      .when(...opening(request, undefined, mondayNight))
      .then([waitingForBob]);
    // 10:00 UTC is 19:00 in Tokyo: after its office hours.
    spec
      .given([])
      .when(...opening(tokyo, undefined, mondayMorning))
      .then([waitingForBob]);
    expect(isWithin({ ...officeHours, days: [...officeHours.days], timeZone: 'Asia/Tokyo' }, new Date('2026-03-02T01:00:00.000Z'))).toBe(
      true,
    );
  });

  it('denies outside a window and a requester outside an allowed group, naming the rule; the first rule that holds wins', () => {
    const rules = [
      rule('staff only', 'deny', { requesterNotInGroup: staff }),
      rule('no changes at night', 'deny', { outside: { ...officeHours, days: [...officeHours.days] } }),
      rule('on-call engineers', 'approve', { requesterInGroup: oncall }),
    ];
    const request = requested({ rules });

    spec
      .given([])
      .when(...opening(request, [oncall], mondayMorning))
      .then([
        { type: 'approval_opened', data: { stages: [], rule: 'staff only' } },
        { type: 'denied', data: { by: 'policy', reason: 'rule', rule: 'staff only' } },
      ]);
    spec
      .given([])
      .when(...opening(request, [staff, oncall], mondayNight))
      .then([
        { type: 'approval_opened', data: { stages: [], rule: 'no changes at night' } },
        { type: 'denied', data: { by: 'policy', reason: 'rule', rule: 'no changes at night' } },
      ]);
    spec
      .given([])
      .when(...opening(request, [staff, oncall], mondayMorning))
      .then([
        { type: 'approval_opened', data: { stages: [], rule: 'on-call engineers' } },
        { type: 'approved', data: { stage: 0, approver: 'policy:rule', final: true, rule: 'on-call engineers' } },
      ]);
  });
});

describe('a stage needing N of its M approvers', () => {
  const twoOfThree: ApprovalPolicy = { kind: 'stages', stages: [{ kind: 'users', users: [bob, carol, dave], required: 2 }] };
  const opened: EventDraft<'approval_opened'> = {
    type: 'approval_opened',
    data: { stages: [{ source: 'users', approvers: [bob, carol, dave], required: 2 }] },
  };

  it('resolves the stage with the number it needs, and is approved only by the second approval', () => {
    const given = [requested({ approval: twoOfThree })];
    spec
      .given([])
      .when(...opening(given[0]))
      .then([opened]);
    const afterBob = spec
      .given([...given, opened])
      .when({ kind: 'approve', by: bob })
      .then([{ type: 'approved', data: { stage: 0, approver: bob, final: false } }]);
    expect(afterBob).toMatchObject({ state: 'pending', stage: 0, approvers: [bob, carol, dave] });
    const done = spec
      .given([...given, opened, { type: 'approved', data: { stage: 0, approver: bob, final: false } }])
      .when({ kind: 'approve', by: dave })
      .then([{ type: 'approved', data: { stage: 0, approver: dave, final: true } }]);
    expect(done).toMatchObject({ state: 'approved' });
  });

  it('the same approver twice counts once, and one denial denies', () => {
    const given = [
      requested({ approval: twoOfThree }),
      opened,
      { type: 'approved', data: { stage: 0, approver: bob, final: false } } as const,
    ];
    spec.given(given).when({ kind: 'approve', by: bob }).thenNothing();
    spec
      .given(given)
      .when({ kind: 'deny', by: carol })
      .then([{ type: 'denied', data: { by: carol, reason: 'denied_by_approver' } }]);
  });

  it('a stage that cannot find N approvers other than the requester is denied at once', () => {
    const tooFew: ApprovalPolicy = { kind: 'stages', stages: [{ kind: 'users', users: [alice, bob], required: 2 }] };
    spec
      .given([])
      .when(...opening(requested({ approval: tooFew })))
      .then([
        { type: 'approval_opened', data: { stages: [{ source: 'users', approvers: [bob], required: 2 }] } },
        { type: 'denied', data: { by: 'policy', reason: 'no_eligible_approver' } },
      ]);
  });
});

describe('a pending request: reminder, escalation, TTL', () => {
  const escalating: ApprovalPolicy = { kind: 'stages', stages: [{ kind: 'manager', escalateTo: erin }] };
  const opened: EventDraft<'approval_opened'> = {
    type: 'approval_opened',
    data: { stages: [{ source: 'manager', approvers: [bob], escalateTo: erin }] },
  };
  const pending = [requested({ approval: escalating }), opened];

  it("adds the stage's escalation target as an approver when the reminder fires, once", () => {
    const state = spec
      .given(pending)
      .when({ kind: 'escalate' })
      .then([{ type: 'approval_escalated', data: { stage: 0, approver: erin } }]);
    expect(state).toMatchObject({ approvers: [bob, erin], stages: [[bob, erin]] });
    spec
      .given([...pending, { type: 'approval_escalated', data: { stage: 0, approver: erin } }])
      .when({ kind: 'escalate' })
      .thenNothing();
    spec.given([requested(), waitingForBob]).when({ kind: 'escalate' }).thenNothing();
  });

  it('the escalation target decides like any approver of the stage', () => {
    spec
      .given([...pending, { type: 'approval_escalated', data: { stage: 0, approver: erin } }])
      .when({ kind: 'approve', by: erin })
      .then([{ type: 'approved', data: { stage: 0, approver: erin, final: true } }]);
  });

  it('denies a request nobody decided by its TTL with approval_timeout, and leaves a decided one alone', () => {
    const state = spec
      .given(pending)
      .when({ kind: 'time_out' })
      .then([{ type: 'denied', data: { by: 'policy', reason: 'approval_timeout' } }]);
    expect(state).toMatchObject({ state: 'denied' });
    spec
      .given([...pending, { type: 'approved', data: { stage: 0, approver: bob, final: true } }])
      .when({ kind: 'time_out' })
      .thenNothing();
  });
});
