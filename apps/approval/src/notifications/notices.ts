import { AUTO_APPROVER, POLICY_DENIER, type Approval } from '../approvals/approval.decider.js';
import type { RequestSummary } from './chat.js';

/** Something to tell people in the chat once an approval changed. */
export type Notice =
  | { kind: 'ask'; requestId: string; approver: string; summary: RequestSummary }
  | { kind: 'update'; requestId: string; stage: number; outcome: string; summary: RequestSummary }
  | { kind: 'tell'; requestId: string; login: string; text: string };

/**
 * What to tell whom when an approval goes from `before` (undefined: it was just opened) to `after`:
 * ask the approvers of a stage that became current, put the outcome on the messages of a stage that
 * was decided, and tell the requester the final answer. Pure.
 */
export function noticesOf(before: Approval | undefined, after: Approval): Notice[] {
  const notices: Notice[] = [];
  const requestId = after.requestId;
  const wasPending = before?.state === 'pending';
  const stageMoved = before !== undefined && before.stage !== after.stage;
  if (wasPending && (stageMoved || after.state !== 'pending')) {
    const stage = before.stage;
    notices.push({ kind: 'update', requestId, stage, outcome: outcomeOf(after, stage), summary: summaryOf(before) });
  }
  if (after.state === 'pending' && (before === undefined || stageMoved)) {
    const summary = summaryOf(after);
    notices.push(...after.approvers.map((approver) => ({ kind: 'ask' as const, requestId, approver, summary })));
  }
  if ((before === undefined || wasPending) && (after.state === 'approved' || after.state === 'denied')) {
    notices.push({ kind: 'tell', requestId, login: after.requester, text: answerText(after) });
  }
  return notices;
}

/** How long access would last, as people say it: `2h`, `1h 30m`, `45m`. */
export function durationText(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest}m`;
  return rest === 0 ? `${hours}h` : `${hours}h ${rest}m`;
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

/** What became of a stage, for its approvers' messages. */
function outcomeOf(after: Approval, stage: number): string {
  if (after.state === 'cancelled') return 'Cancelled by the requester';
  const decision = after.decisions.findLast((d) => d.stage === stage);
  if (!decision) return `Closed: the request is ${after.state}`;
  if (decision.outcome === 'denied') return `Denied by ${decision.by}${decision.comment ? `: ${decision.comment}` : ''}`;
  return `Approved by ${decision.by}`;
}

/** The requester's final answer, e.g. "Your request for AWS production console (2h) was approved by bob@example.com". */
function answerText(after: Approval): string {
  const request = `Your request for ${after.application.name} (${durationText(after.durationSeconds)})`;
  const decision = after.decisions.at(-1);
  if (after.state === 'approved') {
    return decision?.by === AUTO_APPROVER ? `${request} was approved automatically` : `${request} was approved by ${decision?.by}`;
  }
  const by = decision && decision.by !== POLICY_DENIER ? ` by ${decision.by}` : '';
  return `${request} was denied${by}${decision?.comment ? `: ${decision.comment}` : ''}`;
}
