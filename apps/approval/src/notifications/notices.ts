import { formatDuration, sameLogin } from '@jit/events';
import {
  AUTO_APPROVER,
  POLICY_DENIER,
  isApproval,
  mayExtend,
  type Approval,
  type ApprovalState,
  type Extension,
  type StageDecision,
} from '../approvals/approval.decider.js';
import type { RequestSummary } from '../slack/chat.js';
import type { Instant, Wording } from './wording.js';

/**
 * Something to tell people in the chat once an approval changed: ask an approver, put the outcome
 * on a stage's approval messages, or tell a person (the requester) something, with the Extend
 * button when `extend` is set.
 */
export type Notice =
  | { kind: 'ask'; requestId: string; approver: string; summary: RequestSummary }
  | { kind: 'update'; requestId: string; stage: number; outcome: Wording; summary: RequestSummary }
  | { kind: 'tell'; requestId: string; login: string; text: Wording; extend?: boolean; keep?: boolean }
  /** Rewrites the message kept from a `tell` (the grant's, once its Jira key is known). */
  | { kind: 'amend'; requestId: string; login: string; text: Wording };

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
  if (wasPending && !stageMoved && after.state === 'pending') {
    // An escalation target joined the stage: they are asked like its other approvers.
    const joined = after.approvers.filter((approver) => !before.approvers.some((known) => sameLogin(known, approver)));
    const summary = summaryOf(after);
    notices.push(...joined.map((approver) => ({ kind: 'ask' as const, requestId, approver, summary })));
  }
  if ((justOpened || wasPending) && (after.state === 'approved' || after.state === 'denied')) {
    notices.push({ kind: 'tell', requestId, login: after.requester, text: answerText(after) });
  }
  if (isApproval(before)) notices.push(...accessNotices(before, after), ...extensionNotices(before, after));
  return notices;
}

/** Where the kept message of a request's requester is filed among the approval messages (which have stages from 0). */
export const REQUESTER_MESSAGE_STAGE = -1;

/**
 * The approval messages of an extension are kept under a stage number of their own, past any
 * real stage, so the outcome replaces their buttons as it does for a stage.
 */
export const EXTENSION_STAGE_BASE = 1000;

/**
 * What an extension tells people: a new one waiting asks every approver of the request (never the
 * requester); its answer replaces their buttons, and a refusal is told to the requester (an
 * approval shows as the new expiry, once the provisioner applied it).
 */
function extensionNotices(before: Approval, after: Approval): Notice[] {
  const { requestId } = after;
  const was = before.extensions ?? [];
  const notices: Notice[] = [];
  (after.extensions ?? []).forEach((extension, index) => {
    const earlier = was[index];
    const summary = extensionSummaryOf(after, extension, index);
    const stage = EXTENSION_STAGE_BASE + index;
    if (!earlier && extension.state === 'pending') {
      const approvers = [...new Set(after.stages.flat())].filter((approver) => !sameLogin(approver, after.requester));
      notices.push(...approvers.map((approver) => ({ kind: 'ask' as const, requestId, approver, summary })));
    }
    if (earlier?.state !== 'pending' || extension.state === 'pending') return;
    const decided = extension.state === 'approved' ? 'Extension approved' : 'Extension denied';
    const comment = extension.comment ? [`: ${extension.comment}`] : [];
    const outcome: Wording = [`${decided} by ${extension.decidedBy} at `, { at: extension.decidedAt ?? extension.at }, ...comment];
    notices.push({ kind: 'update', requestId, stage, outcome, summary });
    if (extension.state === 'denied') {
      const by = extension.decidedBy === POLICY_DENIER ? '' : ` by ${extension.decidedBy}`;
      notices.push({
        kind: 'tell',
        requestId,
        login: after.requester,
        text: `Your request to extend ${after.application.name} by ${formatDuration(extension.durationSeconds)} was denied${by}${extension.comment ? `: ${extension.comment}` : ''}. (request ${requestId})`,
      });
    }
  });
  return notices;
}

/** What an approver of an extension is shown. */
function extensionSummaryOf(approval: Approval, extension: Extension, index: number): RequestSummary {
  return {
    ...summaryOf(approval),
    durationSeconds: extension.durationSeconds,
    justification: extension.justification,
    stage: EXTENSION_STAGE_BASE + index,
    extension: { index, ...(approval.access?.state === 'granted' ? { expiresAt: approval.access.expiresAt } : {}) },
  };
}

/**
 * What the requester and the approvers are told when the access changed: the grant (and every
 * stage's messages show it), a failure, a new expiry, the end.
 */
function accessNotices(before: Approval, after: Approval): Notice[] {
  const { requestId, requester: login } = after;
  const was = before.access;
  const now = after.access;
  if (!now || now === was) return [];
  const application = after.application.name;
  const id = ` (request ${requestId})`;
  switch (now.state) {
    case 'granted': {
      if (was?.state === 'granted') {
        // The grant's message was sent before Jira answered: it gains the key in place, not a message of its own.
        if (!was.ticketKey && now.ticketKey) return [{ kind: 'amend', requestId, login, text: grantedText(after, now) }];
        if (was.expiresAt === now.expiresAt) return [];
        return [{ kind: 'tell', requestId, login, text: [`Your access to ${application} now ends at `, { at: now.expiresAt }, `.${id}`] }];
      }
      const granted: Notice = { kind: 'tell', requestId, login, text: grantedText(after, now), keep: true };
      const summary = summaryOf(after);
      const updates = after.stages.map((_, stage): Notice => ({
        kind: 'update',
        requestId,
        stage,
        outcome: [...outcomeOf(after, stage), `; access granted until `, { at: now.expiresAt }],
        summary: { ...summary, stage },
      }));
      return [granted, ...updates];
    }
    case 'failed':
      if (was) return [];
      return [
        {
          kind: 'tell',
          requestId,
          login,
          text: `Your access to ${application} could not be granted: ${now.reason}. Nothing was changed; ask again, and if it keeps failing tell the owners (${after.application.owners.join(', ') || 'the administrators'}).${id}`,
        },
      ];
    case 'ended':
      if (was?.state === 'ended') return [];
      return [
        {
          kind: 'tell',
          requestId,
          login,
          text: [`Your access to ${application} has ended at `, { at: now.at }, `: ${endedBecause(now)}.${id}`],
        },
      ];
    default: {
      const _exhaustive: never = now;
      return _exhaustive;
    }
  }
}

/** The grant's message: until when, and the Jira issue once known. */
function grantedText(approval: Approval, access: Extract<NonNullable<Approval['access']>, { state: 'granted' }>): Wording {
  const ticket = access.ticketKey ? `; Jira issue ${access.ticketKey}` : '';
  return [
    `Your access to ${approval.application.name} is granted until `,
    { at: access.expiresAt },
    `${ticket}. (request ${approval.requestId})`,
  ];
}

/** Why access ended, in the requester's words. */
function endedBecause(ended: Extract<NonNullable<Approval['access']>, { state: 'ended' }>): string {
  switch (ended.reason) {
    case 'expired':
      return 'its time was up';
    case 'relinquished':
      return 'you gave it back';
    case 'admin':
      return `revoked by ${ended.by ?? 'an administrator'}`;
    case 'reconciliation':
      return 'revoked by reconciliation, which found no grant to explain it';
    case 'deprovisioned':
      return 'your account was deactivated in the directory';
    case 'application_removed':
      return 'the application was removed from the catalog';
    default: {
      const _exhaustive: never = ended.reason;
      return _exhaustive;
    }
  }
}

/**
 * The reminder of a pending request to the current stage's approvers who have not answered: it
 * still waits for them, and is denied at `deniedAt` without a decision.
 */
export function reminderNoticesOf(approval: Approval, deniedAt: string | undefined): Notice[] {
  if (approval.state !== 'pending') return [];
  const { requestId } = approval;
  const waiting = approval.approvers.filter(
    (approver) => !approval.decisions.some((d) => d.outcome === 'approved' && d.stage === approval.stage && sameLogin(d.by, approver)),
  );
  const request = `${approval.requester}'s request for ${approval.application.name} (${formatDuration(approval.durationSeconds)})`;
  const until: (string | Instant)[] = deniedAt ? [`; without a decision it is denied at `, { at: deniedAt }] : [];
  return waiting.map((login) => ({
    kind: 'tell' as const,
    requestId,
    login,
    text: [`Reminder: ${request} still waits for your decision`, ...until, `. (request ${requestId})`],
  }));
}

/** The pre-expiry notice of a granted approval: when the access ends, with the Extend button when the policy leaves room for one. */
export function expiryNoticeOf(approval: Approval): Notice | undefined {
  const access = approval.access;
  if (access?.state !== 'granted' || access.endRequested) return undefined;
  const extend = mayExtend(approval);
  const then = extend ? ' Extend it below if you need more time.' : '';
  return {
    kind: 'tell',
    requestId: approval.requestId,
    login: approval.requester,
    text: [`Your access to ${approval.application.name} ends at `, { at: access.expiresAt }, `.${then} (request ${approval.requestId})`],
    extend,
  };
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

/** What became of a stage, for its approvers' messages, e.g. "Denied by bob@example.com at 2 Mar 2026, 10:05 GMT: not during the freeze". */
function outcomeOf(after: Approval, stage: number): (string | Instant)[] {
  if (after.state === 'cancelled') return ['Cancelled by the requester'];
  const decision = after.decisions.findLast((d) => d.stage === stage);
  if (!decision) return [`Closed: the request is ${after.state}`];
  if (decision.outcome === 'denied')
    return [`Denied by ${decision.by} at `, { at: decision.at }, ...(said(decision) ? [said(decision)] : [])];
  return [`Approved by ${decision.by} at `, { at: decision.at }];
}

/** The requester's final answer, e.g. "Your request for AWS production console (2h) was approved by bob@example.com". */
function answerText(after: Approval): string {
  const request = `Your request for ${after.application.name} (${formatDuration(after.durationSeconds)})`;
  const decision = after.decisions.at(-1);
  if (after.state === 'approved') {
    if (decision?.rule) return `${request} was approved by the rule "${decision.rule}"`;
    return decision?.by === AUTO_APPROVER ? `${request} was approved automatically` : `${request} was approved by ${decision?.by}`;
  }
  const by = decision && decision.by !== POLICY_DENIER ? ` by ${decision.by}` : '';
  return `${request} was denied${by}${decision ? said(decision) : ''}`;
}

/** The words after a denial: the approver's comment, or why the policy denied. */
function said(decision: StageDecision): string {
  if (decision.comment) return `: ${decision.comment}`;
  switch (decision.reason) {
    case 'no_eligible_approver':
      return ': no eligible approver';
    case 'approval_timeout':
      return ': nobody decided in time';
    case 'rule':
      return `: the rule "${decision.rule}" refuses it`;
    case 'denied_by_approver':
    case undefined:
      return '';
    default: {
      const _exhaustive: never = decision.reason;
      return _exhaustive;
    }
  }
}
