import type { EventDraft, RequestedData, ResolvedStage } from '@jit/events';
import { specEvent, specRequestId as requestId } from '@jit/events/testing';
import { approvalDecider, isApproval, type Approval, type ApprovalState } from '../src/approvals/approval.decider.js';
import { expiryNoticeOf, noticesOf, summaryOf } from '../src/notifications/notices.js';
import { render } from '../src/notifications/wording.js';

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
      { kind: 'update', requestId, stage: 0, outcome: [`Approved by ${bob} at `, { at: expect.any(String) }], summary: summaryOf(staged) },
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
      {
        kind: 'update',
        requestId,
        stage: 1,
        outcome: [`Approved by ${carol} at `, { at: expect.any(String) }],
        summary: summaryOf(second),
      },
      { kind: 'tell', requestId, login: alice, text: `Your request for AWS production console (2h) was approved by ${carol}` },
    ]);
  });

  it("tells the requester who denied, in the approver's own words", () => {
    const denial: EventDraft<'denied'> = {
      type: 'denied',
      data: { by: bob, reason: 'denied_by_approver', comment: 'not during the freeze' },
    };

    expect(noticesOf(staged, after(staged, denial))).toEqual([
      {
        kind: 'update',
        requestId,
        stage: 0,
        outcome: [`Denied by ${bob} at `, { at: expect.any(String) }, ': not during the freeze'],
        summary: summaryOf(staged),
      },
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
      { kind: 'update', requestId, stage: 0, outcome: [`Denied by ${bob} at `, { at: expect.any(String) }], summary: summaryOf(staged) },
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
      { kind: 'update', requestId, stage: 0, outcome: ['Cancelled by the requester'], summary: summaryOf(staged) },
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

    expect(texts.map((notice) => notice.kind === 'tell' && typeof notice.text === 'string' && notice.text.match(/\((.*)\)/)?.[1])).toEqual([
      '1h30m',
      '45m',
      '24h',
      '1m30s',
      '20s',
    ]);
  });
});

describe("the chat notices of the access's life", () => {
  const approvedByBob = after(
    nothingYet,
    requested({ kind: 'manager' }),
    opened({ source: 'manager', approvers: [bob] }),
    approved(0, bob, true),
  );
  const expiresAt = '2026-03-02T12:00:00.000Z';
  const granted: EventDraft<'granted'> = {
    type: 'granted',
    data: {
      requester: alice,
      applicationId: 'aws-prod-console',
      oktaGroupId: '00g1awsprodconsole02',
      oktaUserId: '00u1alice',
      grantedAt: '2026-03-02T10:00:00.000Z',
      expiresAt,
      ticketKey: 'JIT-7',
      membership: 'added',
    },
  };
  const live = after(approvedByBob, granted);
  const text = (notice: ReturnType<typeof noticesOf>[number] | undefined, timeZone?: string) =>
    notice?.kind === 'tell' ? render(notice.text, timeZone) : undefined;

  it('tells the requester of the grant with its expiry in her time zone and the Jira key, and shows it on every stage', () => {
    const notices = noticesOf(approvedByBob, live);

    expect(notices.map((n) => n.kind)).toEqual(['tell', 'update']);
    expect(text(notices[0], 'Asia/Tokyo')).toBe(
      `Your access to AWS production console is granted until 2 Mar 2026, 21:00 GMT+9; Jira issue JIT-7. (request ${requestId})`,
    );
    expect(text(notices[0], 'Europe/London')).toContain('until 2 Mar 2026, 12:00 GMT;');
    expect(notices[1]).toMatchObject({ kind: 'update', stage: 0, outcome: expect.arrayContaining([{ at: expiresAt }]) });
  });

  it('warns before the expiry, with the Extend button only when the policy leaves room for an extension', () => {
    const roomy = after(
      nothingYet,
      {
        ...requested({ kind: 'manager' }),
        data: {
          ...requested({ kind: 'manager' }).data,
          application: { ...requested({ kind: 'manager' }).data.application, maxTotalSeconds: 3 * 3600 },
        },
      },
      opened({ source: 'manager', approvers: [bob] }),
      approved(0, bob, true),
      granted,
    );
    expect(expiryNoticeOf(roomy)).toMatchObject({ kind: 'tell', login: alice, extend: true });
    const notice = expiryNoticeOf(live);
    expect(notice?.kind === 'tell' && render(notice.text, 'UTC')).toBe(
      `Your access to AWS production console ends at 2 Mar 2026, 12:00 UTC. (request ${requestId})`,
    );
    expect(notice).toMatchObject({ extend: false });
    expect(expiryNoticeOf(approvedByBob)).toBeUndefined();
  });

  it('tells why access ended: expired, given back, revoked by whom, deprovisioned', () => {
    const ended = (reason: string, by?: string) => {
      const asked: EventDraft[] = by ? [{ type: 'revoke_requested', data: { reason, by } } as EventDraft<'revoke_requested'>] : [];
      const before = after(live, ...asked);
      const revoked = { type: 'revoked', data: { reason, revokedAt: expiresAt } } as EventDraft<'revoked'>;
      return text(noticesOf(before, after(before, revoked))[0], 'UTC');
    };

    expect(ended('expired')).toBe(
      `Your access to AWS production console has ended at 2 Mar 2026, 12:00 UTC: its time was up. (request ${requestId})`,
    );
    expect(ended('relinquished', alice)).toContain(': you gave it back.');
    expect(ended('admin', 'dave@example.com')).toContain(': revoked by dave@example.com.');
    expect(ended('deprovisioned', 'service:provisioner')).toContain(': your account was deactivated in the directory.');
  });

  it('tells the requester a grant failed and what to do next, once', () => {
    const failed = after(approvedByBob, { type: 'grant_failed', data: { reason: 'the Okta group does not exist' } });

    expect(noticesOf(approvedByBob, failed).map((n) => text(n))).toEqual([
      `Your access to AWS production console could not be granted: the Okta group does not exist. Nothing was changed; ask again, and if it keeps failing tell the owners (${carol}). (request ${requestId})`,
    ]);
    expect(noticesOf(failed, after(failed, granted))).toEqual([]);
  });

  it('tells the requester of a new expiry, and nothing for a ticket that follows the grant', () => {
    const extended: EventDraft<'extended'> = { type: 'extended', data: { by: alice, expiresAt: '2026-03-02T13:00:00.000Z' } };

    expect(noticesOf(live, after(live, extended)).map((n) => text(n, 'UTC'))).toEqual([
      `Your access to AWS production console now ends at 2 Mar 2026, 13:00 UTC. (request ${requestId})`,
    ]);
    expect(noticesOf(live, after(live, { type: 'ticket_opened', data: { ticketKey: 'JIT-8' } }))).toEqual([]);
  });

  it("puts the Jira key on the grant's message in place when Jira answers after the grant", () => {
    const { ticketKey: _, ...withoutTicket } = granted.data;
    const early = after(approvedByBob, { type: 'granted', data: withoutTicket });
    const [told] = noticesOf(approvedByBob, early);
    expect(told).toMatchObject({ kind: 'tell', keep: true });
    expect(text(told, 'UTC')).toBe(`Your access to AWS production console is granted until 2 Mar 2026, 12:00 UTC. (request ${requestId})`);

    const amended = noticesOf(early, after(early, { type: 'ticket_opened', data: { ticketKey: 'JIT-9' } }));
    expect(amended).toEqual([{ kind: 'amend', requestId, login: alice, text: expect.any(Array) }]);
    expect(amended[0].kind === 'amend' && render(amended[0].text, 'UTC')).toBe(
      `Your access to AWS production console is granted until 2 Mar 2026, 12:00 UTC; Jira issue JIT-9. (request ${requestId})`,
    );
  });
});
