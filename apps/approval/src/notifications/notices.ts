import { formatDuration, sameLogin } from '@jit/events';
import {
  AUTO_APPROVER,
  POLICY_DENIER,
  isApproval,
  type Approval,
  type ApprovalState,
  type StageDecision,
} from '../approvals/approval.decider.js';
import type { RequestSummary } from '../slack/chat.js';

/** Something to tell people in the chat once an approval changed. */
export type Notice =
  | { kind: 'ask'; requestId: string; approver: string; summary: RequestSummary }
  | { kind: 'update'; requestId: string; stage: number; outcome: string; summary: RequestSummary }
  | { kind: 'tell'; requestId: string; login: string; text: string };

/**
 * What to tell whom when an approval goes from `before` (not yet an approval: it was just opened)
 * to `after`: ask the approvers of a stage that became current, put the outcome on the messages of
 * a stage that was decided, and tell the requester the final answer. Pure.
 */
export function noticesOf(before: ApprovalState, after: Approval): Notice[] {
  const notices: Notice[] = [];
  const requestId = after.requestId;
  const justOpened = !isApproval(before);
  const wasPending = isApproval(before) && before.state === 'pending';
  const stageMoved = isApproval(before) && before.stage !== after.stage;
  if (wasPending && (stageMoved || after.state !== 'pending')) {
    const stage = before.stage;
    notices.push({ kind: 'update', requestId, stage, outcome: outcomeOf(after, stage), summary: summaryOf(before) });
  }
  if (after.state === 'pending' && (justOpened || stageMoved)) {
    const summary = summaryOf(after);
    // Who approved an earlier stage cannot approve this one (one person, one stage): they are not asked.
    const eligible = after.approvers.filter(
      (approver) => !after.decisions.some((d) => d.outcome === 'approved' && sameLogin(d.by, approver)),
    );
    notices.push(...eligible.map((approver) => ({ kind: 'ask' as const, requestId, approver, summary })));
  }
  if ((justOpened || wasPending) && (after.state === 'approved' || after.state === 'denied')) {
    notices.push({ kind: 'tell', requestId, login: after.requester, text: answerText(after) });
  }
  return notices;
}

/** What an approver of the approval's current stage is shown. */
export function summaryOf(approval: Approval): RequestSummary {
  return {
    requester: approval.requester,
    applicationName: approval.application.name,
    durationSeconds: approval.durationSeconds,
    justification: approval.justification,
    stage: approval.stage,
    stages: approval.stages.length,
  };
}

/** What became of a stage, for its approvers' messages, e.g. "Denied by bob@example.com: not during the freeze". */
function outcomeOf(after: Approval, stage: number): string {
  if (after.state === 'cancelled') return 'Cancelled by the requester';
  const decision = after.decisions.findLast((d) => d.stage === stage);
  if (!decision) return `Closed: the request is ${after.state}`;
  if (decision.outcome === 'denied') return `Denied by ${decision.by}${said(decision)}`;
  return `Approved by ${decision.by}`;
}

/** The requester's final answer, e.g. "Your request for AWS production console (2h) was approved by bob@example.com". */
function answerText(after: Approval): string {
  const request = `Your request for ${after.application.name} (${formatDuration(after.durationSeconds)})`;
  const decision = after.decisions.at(-1);
  if (after.state === 'approved') {
    return decision?.by === AUTO_APPROVER ? `${request} was approved automatically` : `${request} was approved by ${decision?.by}`;
  }
  const by = decision && decision.by !== POLICY_DENIER ? ` by ${decision.by}` : '';
  return `${request} was denied${by}${decision ? said(decision) : ''}`;
}

/** The words after a denial: the approver's comment, or why the policy denied. */
function said(decision: StageDecision): string {
  if (decision.comment) return `: ${decision.comment}`;
  return decision.reason === 'no_eligible_approver' ? ': no eligible approver' : '';
}
