import { canExtend, type ApprovalStage, type RecordedRequest, type RequestStatus } from './request.decider.js';

/** One approval stage as the API shows it: who could approve it, and who did. */
export interface StageView extends ApprovalStage {
  /** The first approver of the stage, null until someone approved it. */
  approvedBy: string | null;
  /** Everyone who approved the stage so far (a stage may need `required` of its approvers). */
  approvedByAll: string[];
}

/** Where the approval stands: every stage, and while the request is pending, the one it waits on and who can decide it. */
export interface ApprovalView {
  stages: StageView[];
  /** The stage waiting for a decision (numbered from 0, as approval numbers them); null once nothing waits. */
  currentStage: number | null;
  /** Who can decide the current stage; empty once nothing waits. */
  waitingOn: string[];
}

/** A grant or revocation the provisioner keeps retrying, why, and when it tries next. */
export interface RetryView {
  action: 'grant' | 'revoke';
  attempt: number;
  lastError: string;
  lastFailedAt: string;
  /** When the next attempt is due (a grant is never retried past its deadline: it is rolled back then). */
  nextAttemptAt: string | null;
}

/** A request as the API shows it. */
export interface RequestView {
  id: string;
  requester: string;
  applicationId: string;
  status: RequestStatus;
  reason: string | null;
  justification: string;
  durationSeconds: number;
  createdAt: string;
  grantedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  revokeRequestedAt: string | null;
  /** Null until approval has resolved the stages. */
  approval: ApprovalView | null;
  ticketKey: string | null;
  /** Set while the provisioner retries a failed attempt. */
  retrying: RetryView | null;
  /** Whether `POST /v1/requests/:id/extend` may be asked now: granted, not ending, no extension waiting, room left under the maximum total. */
  canExtend: boolean;
  /** The latest extension asked for: `pending` approval, `denied` (by whom, what they said) or `extended`. */
  extension: ExtensionView | null;
}

/** An extension as the API shows it. */
export interface ExtensionView {
  status: 'pending' | 'denied' | 'extended';
  durationSeconds: number;
  justification: string;
  requestedAt: string;
  deniedBy: string | null;
  comment: string | null;
}

/** The answer to a new request; an `Idempotency-Key` replay gets the same one. */
export interface Submitted {
  id: string;
  status: 'pending';
}

/** The view of a recorded request. */
export function viewOf(id: string, state: RecordedRequest): RequestView {
  const retry = state.retry;
  return {
    id,
    requester: state.requester,
    applicationId: state.applicationId,
    status: state.status,
    reason: state.reason,
    justification: state.justification,
    durationSeconds: state.durationSeconds,
    createdAt: state.createdAt,
    grantedAt: state.grantedAt,
    expiresAt: state.expiresAt,
    revokedAt: state.revokedAt,
    revokeRequestedAt: state.revokeRequestedAt,
    approval: approvalOf(state),
    ticketKey: state.ticketKey,
    retrying: retry
      ? {
          action: retry.action,
          attempt: retry.attempt,
          lastError: retry.lastError,
          lastFailedAt: retry.failedAt,
          nextAttemptAt: retry.nextAttemptAt,
        }
      : null,
    canExtend: canExtend(state),
    extension: extensionOf(state),
  };
}

function approvalOf(state: RecordedRequest): ApprovalView | null {
  if (!state.approvalStages) return null;
  const stages = state.approvalStages.map((stage, index) => ({
    ...stage,
    approvedBy: state.approvals.find((step) => step.stage === index)?.approver ?? null,
    approvedByAll: state.approvals.filter((step) => step.stage === index).map((step) => step.approver),
  }));
  // Stages are decided in order, so the first one not yet approved is the one a pending request waits on.
  const current = state.status === 'pending' ? stages.findIndex((stage) => stage.approvedByAll.length < (stage.required ?? 1)) : -1;
  return { stages, currentStage: current < 0 ? null : current, waitingOn: current < 0 ? [] : stages[current].approvers };
}

function extensionOf({ extension }: RecordedRequest): ExtensionView | null {
  if (!extension) return null;
  const { status, durationSeconds, justification, requestedAt } = extension;
  return { status, durationSeconds, justification, requestedAt, deniedBy: extension.deniedBy ?? null, comment: extension.comment ?? null };
}
