import {
  accept,
  ConflictError,
  formatDuration,
  nothing,
  notYet,
  NotFoundError,
  refuse,
  sameLogin,
  ValidationError,
  type AccessEvent,
  type Decider,
  type Decision,
  type DenyReason,
  type EventData,
} from '@jit/events';
import { extensionRoomSeconds, justificationProblem, policySnapshotOf, type Application } from '@jit/catalog';

/** Every status a request can show. */
export const requestStatuses = ['pending', 'approved', 'denied', 'cancelled', 'granted', 'failed', 'revoked'] as const;
/** Where a request stands, as its requester sees it. */
export type RequestStatus = (typeof requestStatuses)[number];

/** One stage of the approval as resolved when the request arrived: where its approvers came from, and who they are. */
export type ApprovalStage = EventData<'approval_opened'>['stages'][number];

/** One approval step given so far. */
export interface StageApproval {
  stage: number;
  approver: string;
}

/** A grant or a revocation the provisioner failed and keeps retrying: its last attempt, why it failed, and when it tries again. */
export interface Retry {
  action: 'grant' | 'revoke';
  attempt: number;
  lastError: string;
  failedAt: string;
  /** Null for a revocation retried before `revoke_failed` said when. */
  nextAttemptAt: string | null;
}

/** The extension policy a request was made under (its `requested` snapshot): none when the application allowed none. */
export interface ExtensionPolicy {
  /** The longest the access may last, extensions included. */
  maxTotalSeconds?: number;
  justificationPattern?: string;
  justificationHint?: string;
}

/** The latest extension asked for: waiting for approval, refused, or applied. */
export interface ExtensionAsked {
  /** The `extension_requested` event, so hearing it again changes nothing. */
  eventId: string;
  status: 'pending' | 'denied' | 'extended';
  durationSeconds: number;
  justification: string;
  by: string;
  requestedAt: string;
  /** Who refused it, and what they said. */
  deniedBy?: string;
  comment?: string;
}

/** A request intake has recorded: what was asked and what has happened since. */
export interface RecordedRequest {
  recorded: true;
  requester: string;
  applicationId: string;
  durationSeconds: number;
  justification: string;
  status: RequestStatus;
  /** Why it was denied, cancelled, failed or revoked, in words the requester can read. */
  reason: string | null;
  createdAt: string;
  grantedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  /** Set once someone asked for the access to end early; the status stays `granted` until it is revoked. */
  revokeRequestedAt: string | null;
  /** The approval's stages and their approvers (`approval_opened`); null until approval has resolved them. */
  approvalStages: ApprovalStage[] | null;
  /** The steps approved so far, one per stage, in the order they came. */
  approvals: StageApproval[];
  /** The ticket that records the grant (`ticket_opened`). */
  ticketKey: string | null;
  /**
   * Set while a grant (`grant_retrying`) or a revocation (`revoke_failed`) is being retried; cleared
   * when the grant settles (`granted`, `grant_failed`) or the access is `revoked`.
   */
  retry: Retry | null;
  /** What the request's snapshot allowed for extensions and justifications. */
  policy: ExtensionPolicy;
  /** The latest extension asked for, if any. */
  extension: ExtensionAsked | null;
}

/** A request before its `requested` event: nothing is known of it. */
export interface UnknownRequest {
  recorded: false;
}

/** What intake knows of one request. */
export type RequestState = UnknownRequest | RecordedRequest;

/** The events intake decides; everything else it only observes. */
export type RequestEventType = 'requested' | 'cancelled' | 'revoke_requested' | 'extension_requested';

/** What can be asked of a request: a caller's command, or an event another service published about it. */
export type RequestCommand =
  | { type: 'submit'; requester: string; application: Application; durationSeconds: number; justification: string }
  | { type: 'cancel'; by: string }
  | { type: 'relinquish'; by: string }
  | { type: 'extend'; by: string; durationSeconds: number; justification: string }
  | { type: 'observe'; event: AccessEvent };

type Command<T extends RequestCommand['type']> = Extract<RequestCommand, { type: T }>;

const unknownRequest: UnknownRequest = { recorded: false };

/** A denial as the requester reads it when the approver left no comment. */
const denyReasonText: Record<DenyReason, string> = {
  denied_by_approver: 'denied by the approver',
  no_eligible_approver: 'no one is eligible to approve this request',
  approval_timeout: 'nobody decided before the request expired',
  rule: 'an approval rule of the application refused it',
};

/** The rules of a request, from submission to revocation, and the status read model folded from its events. */
export const requestDecider: Decider<RequestCommand, RequestState, RequestEventType> = {
  initialState: unknownRequest,
  decide(command, state, now) {
    switch (command.type) {
      case 'submit':
        return submit(command, state);
      case 'cancel':
        return cancel(command, state);
      case 'relinquish':
        return relinquish(command, state, now);
      case 'extend':
        return extend(command, state, now);
      case 'observe':
        return observe(command.event, state);
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
  evolve,
};

function submit(command: Command<'submit'>, state: RequestState): Decision<RequestEventType> {
  if (state.recorded) return refuse(new ConflictError('the request exists already'));
  const { application, durationSeconds, justification, requester } = command;
  if (durationSeconds < application.minDurationSeconds || durationSeconds > application.maxDurationSeconds) {
    const bounds = `between ${formatDuration(application.minDurationSeconds)} and ${formatDuration(application.maxDurationSeconds)}`;
    return refuse(
      new ValidationError(`duration: ${formatDuration(durationSeconds)} is out of bounds; ${application.id} can be granted for ${bounds}`, {
        field: 'duration',
        minDurationSeconds: application.minDurationSeconds,
        maxDurationSeconds: application.maxDurationSeconds,
      }),
    );
  }
  if (!justification.trim()) return refuse(new ValidationError('justification: must not be empty', { field: 'justification' }));
  const policy = policySnapshotOf(application);
  const mismatch = justificationProblem(policy, justification);
  if (mismatch) return refuse(new ValidationError(mismatch, { field: 'justification', pattern: policy.justificationPattern }));
  return accept({ type: 'requested', data: { requester, application: policy, durationSeconds, justification } });
}

function cancel(command: Command<'cancel'>, state: RequestState): Decision<RequestEventType> {
  if (!state.recorded) return refuse(new NotFoundError('the request does not exist'));
  if (!isOpen(state)) {
    return refuse(new ConflictError(`the request is ${state.status}; only a pending or approved request can be cancelled`));
  }
  return accept({ type: 'cancelled', data: { by: command.by } });
}

function relinquish(command: Command<'relinquish'>, state: RequestState, now: Date): Decision<RequestEventType> {
  if (!state.recorded) return refuse(new NotFoundError('the request does not exist'));
  if (state.status !== 'granted')
    return refuse(new ConflictError(`the request is ${state.status}; only granted access can be relinquished`));
  if (state.revokeRequestedAt) return nothing(`revocation was asked for at ${state.revokeRequestedAt} and is on its way`);
  if (state.expiresAt && Date.parse(state.expiresAt) <= now.getTime()) {
    return refuse(new ConflictError(`the access expired at ${state.expiresAt} and is being revoked`));
  }
  // The requester gives access back; anyone else allowed to end it (an API key) is an admin.
  const reason = sameLogin(command.by, state.requester) ? 'relinquished' : 'admin';
  return accept({ type: 'revoke_requested', data: { reason, by: command.by } });
}

/**
 * Asks for granted access to last longer: only while it is granted and not ending, one extension
 * at a time, within the maximum total the request's policy allows, with a justification that
 * matches its pattern.
 */
function extend(command: Command<'extend'>, state: RequestState, now: Date): Decision<RequestEventType> {
  if (!state.recorded) return refuse(new NotFoundError('the request does not exist'));
  if (state.status !== 'granted') return refuse(new ConflictError(`the request is ${state.status}; only granted access can be extended`));
  if (state.revokeRequestedAt) return refuse(new ConflictError(`the access is being revoked (asked at ${state.revokeRequestedAt})`));
  if (!state.expiresAt || !state.grantedAt || Date.parse(state.expiresAt) <= now.getTime()) {
    return refuse(new ConflictError(`the access expired at ${state.expiresAt} and is being revoked`));
  }
  if (state.extension?.status === 'pending') {
    return refuse(
      new ConflictError(
        `an extension of ${formatDuration(state.extension.durationSeconds)} asked at ${state.extension.requestedAt} is waiting for approval`,
      ),
    );
  }
  const room = extensionRoomSeconds(state.policy.maxTotalSeconds, state.grantedAt, state.expiresAt);
  if (command.durationSeconds > room) {
    const max = state.policy.maxTotalSeconds;
    const why = max
      ? `access to ${state.applicationId} lasts at most ${formatDuration(max)} in all, so ${room === 0 ? 'nothing' : `at most ${formatDuration(room)}`} can be added`
      : `${state.applicationId} allows no extension`;
    return refuse(
      new ValidationError(`duration: ${formatDuration(command.durationSeconds)} is too long; ${why}`, {
        field: 'duration',
        maxSeconds: room,
      }),
    );
  }
  const { justification } = command;
  if (!justification.trim()) return refuse(new ValidationError('justification: must not be empty', { field: 'justification' }));
  const mismatch = justificationProblem(state.policy, justification);
  if (mismatch) return refuse(new ValidationError(mismatch, { field: 'justification', pattern: state.policy.justificationPattern }));
  return accept({ type: 'extension_requested', data: { by: command.by, durationSeconds: command.durationSeconds, justification } });
}

/** Whether an extension may be asked for now, as far as the request alone can tell (the view's `canExtend`). */
export function canExtend(state: RecordedRequest): boolean {
  if (state.status !== 'granted' || state.revokeRequestedAt || !state.grantedAt || !state.expiresAt) return false;
  if (state.extension?.status === 'pending') return false;
  return extensionRoomSeconds(state.policy.maxTotalSeconds, state.grantedAt, state.expiresAt) > 0;
}

/** Another service's event: folded in as it is (the pipeline folds the cause), once the request it needs is recorded. */
function observe(event: AccessEvent, state: RequestState): Decision<RequestEventType> {
  if (!state.recorded) {
    // The row commits before `requested` is published, so anything else arriving first is a request still on its way.
    return event.type === 'requested' ? accept() : notYet(`${event.type} arrived before the request was recorded`);
  }
  if (event.type === 'extended' && state.status !== 'granted' && state.status !== 'revoked') {
    return notYet(`extended arrived before the request was granted`);
  }
  if (sameState(evolve(state, event), state)) return nothing(`${event.type} changes nothing for a ${state.status} request`);
  return accept();
}

/**
 * Folds an event into the request's state. Duplicates change nothing, and a late event never moves
 * a settled request backwards, except that access which really exists is always shown: a `granted`
 * after a cancel, denial or failure means the provider holds the membership, so the request shows
 * `granted` until `revoked` arrives. `revoked` is final and applies from any status.
 */
function evolve(state: RequestState, event: AccessEvent): RequestState {
  if (!state.recorded) return event.type === 'requested' ? started(event) : state;
  switch (event.type) {
    case 'approved':
      return approvedStep(state, event);
    case 'approval_opened':
      return state.approvalStages ? state : { ...state, approvalStages: event.data.stages };
    case 'approval_escalated':
      return escalated(state, event);
    case 'ticket_opened':
      return state.ticketKey ? state : { ...state, ticketKey: event.data.ticketKey };
    case 'revoke_failed':
      return revokeFailed(state, event);
    case 'grant_retrying':
      return grantRetrying(state, event);
    case 'denied':
      return state.status === 'pending'
        ? { ...state, status: 'denied', reason: event.data.comment ?? denyReasonText[event.data.reason] }
        : state;
    case 'cancelled':
      return isOpen(state) ? { ...state, status: 'cancelled', reason: event.data.reason ?? null } : state;
    case 'grant_failed':
      return isOpen(state) ? { ...state, status: 'failed', reason: event.data.reason, retry: null } : state;
    case 'granted':
      return granted(state, event);
    case 'extended':
      return extended(state, event);
    case 'extension_requested':
      return extensionAsked(state, event);
    case 'extension_denied':
      return state.extension?.status === 'pending'
        ? { ...state, extension: { ...state.extension, status: 'denied', deniedBy: event.data.by, ...commentOf(event.data.comment) } }
        : state;
    case 'revoke_requested':
      return state.revokeRequestedAt ? state : { ...state, revokeRequestedAt: event.occurredAt };
    case 'revoked':
      return state.status === 'revoked'
        ? state
        : { ...state, status: 'revoked', reason: event.data.reason, revokedAt: event.data.revokedAt, retry: null };
    // A second `requested` is a replay. Expiry leaves the status to the `revoked` that follows, and a
    // closed ticket adds nothing the view shows.
    case 'requested':
    case 'expired':
    case 'ticket_closed':
    case 'extension_approved':
      return state;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function started(event: AccessEvent<'requested'>): RecordedRequest {
  return {
    recorded: true,
    requester: event.data.requester,
    applicationId: event.data.application.id,
    durationSeconds: event.data.durationSeconds,
    justification: event.data.justification,
    status: 'pending',
    reason: null,
    createdAt: event.occurredAt,
    grantedAt: null,
    expiresAt: null,
    revokedAt: null,
    revokeRequestedAt: null,
    approvalStages: null,
    approvals: [],
    ticketKey: null,
    retry: null,
    policy: policyOf(event.data.application),
    extension: null,
  };
}

function policyOf(application: AccessEvent<'requested'>['data']['application']): ExtensionPolicy {
  const { maxTotalSeconds, justificationPattern, justificationHint } = application;
  return {
    ...(maxTotalSeconds ? { maxTotalSeconds } : {}),
    ...(justificationPattern ? { justificationPattern } : {}),
    ...(justificationHint ? { justificationHint } : {}),
  };
}

function commentOf(comment: string | undefined): { comment?: string } {
  return comment ? { comment } : {};
}

/** An extension asked for (here or from the chat) waits for its answer; a second one while one waits is a replay. */
function extensionAsked(state: RecordedRequest, event: AccessEvent<'extension_requested'>): RecordedRequest {
  if (state.status !== 'granted' || state.extension?.status === 'pending' || state.extension?.eventId === event.id) return state;
  const { by, durationSeconds, justification } = event.data;
  return {
    ...state,
    extension: { eventId: event.id, status: 'pending', durationSeconds, justification, by, requestedAt: event.occurredAt },
  };
}

function isOpen(state: RecordedRequest): boolean {
  return state.status === 'pending' || state.status === 'approved';
}

function granted(state: RecordedRequest, event: AccessEvent<'granted'>): RecordedRequest {
  // Already granted: a second `granted` must not undo an extension.
  if (state.status === 'granted') return state;
  // Revoked before this arrived: the grant is history, recorded without reopening the request.
  if (state.status === 'revoked') {
    return { ...state, grantedAt: state.grantedAt ?? event.data.grantedAt, expiresAt: state.expiresAt ?? event.data.expiresAt };
  }
  const retry = state.retry?.action === 'grant' ? null : state.retry;
  return { ...state, status: 'granted', reason: null, grantedAt: event.data.grantedAt, expiresAt: event.data.expiresAt, retry };
}

/** An approval step is recorded while the request waits for it; one that lands after the request settled is stale. */
function approvedStep(state: RecordedRequest, event: AccessEvent<'approved'>): RecordedRequest {
  const { stage, approver, final } = event.data;
  if (state.status !== 'pending') return state;
  // A stage may need N approvals: each approver's counts once.
  const known = state.approvals.some((step) => step.stage === stage && sameLogin(step.approver, approver));
  const approvals = known ? state.approvals : [...state.approvals, { stage, approver }];
  return { ...state, approvals, status: final ? 'approved' : 'pending' };
}

/** Whether an attempt is older than (or the same as) the retry already shown for the same action. */
function heardAlready(state: RecordedRequest, action: Retry['action'], attempt: number): boolean {
  return state.retry?.action === action && state.retry.attempt >= attempt;
}

/** A stage's escalation target joins its approvers (once), so the view names them among those who can decide. */
function escalated(state: RecordedRequest, event: AccessEvent<'approval_escalated'>): RecordedRequest {
  const { stage, approver } = event.data;
  const stages = state.approvalStages;
  if (!stages?.[stage] || stages[stage].approvers.some((known) => sameLogin(known, approver))) return state;
  return { ...state, approvalStages: stages.map((s, i) => (i === stage ? { ...s, approvers: [...s.approvers, approver] } : s)) };
}

/** A failed revocation attempt shows until `revoked`; an older attempt heard late changes nothing. */
function revokeFailed(state: RecordedRequest, event: AccessEvent<'revoke_failed'>): RecordedRequest {
  if (state.status === 'revoked' || heardAlready(state, 'revoke', event.data.attempt)) return state;
  const { attempt, reason, nextAttemptAt } = event.data;
  return {
    ...state,
    retry: { action: 'revoke', attempt, lastError: reason, failedAt: event.occurredAt, nextAttemptAt: nextAttemptAt ?? null },
  };
}

/** A failed grant attempt shows while the grant is on its way (approved, not yet granted or failed). */
function grantRetrying(state: RecordedRequest, event: AccessEvent<'grant_retrying'>): RecordedRequest {
  if (state.status !== 'approved' || heardAlready(state, 'grant', event.data.attempt)) return state;
  const { attempt, reason, nextAttemptAt } = event.data;
  return { ...state, retry: { action: 'grant', attempt, lastError: reason, failedAt: event.occurredAt, nextAttemptAt } };
}

function extended(state: RecordedRequest, event: AccessEvent<'extended'>): RecordedRequest {
  if (state.status !== 'granted') return state;
  const later = !state.expiresAt || Date.parse(event.data.expiresAt) > Date.parse(state.expiresAt);
  if (!later) return state;
  const extension = state.extension?.status === 'pending' ? { ...state.extension, status: 'extended' as const } : state.extension;
  return { ...state, expiresAt: event.data.expiresAt, extension };
}

/** Whether two states hold the same values (the stages, approvals and retry compared by content). */
export function sameState(a: RequestState, b: RequestState): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof RecordedRequest>;
  const valueOf = (state: RequestState, key: keyof RecordedRequest): unknown => (state as Partial<RecordedRequest>)[key];
  return [...keys].every((key) => JSON.stringify(valueOf(a, key)) === JSON.stringify(valueOf(b, key)));
}
