import { extensionRoomSeconds } from '@jit/catalog';
import { firstMatchingRule } from '../policy/rules.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  accept,
  notYet,
  nothing,
  refuse,
  type AccessEvent,
  type ApprovalPolicy,
  type Decider,
  type Decision,
  type DenyReason,
  type EarlyRevokeReason,
  type EventDraft,
  type EventType,
  type RevokeReason,
  type RequestedData,
  type ResolvedStage,
  normaliseLogin,
  sameLogin,
  type Via,
} from '@jit/events';
import { NotAnApproverError, OneStagePerPersonError, SameKeyError, SelfApprovalError, StaleStageError } from './approval.errors.js';

/** Where an opened approval stands. */
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'cancelled';

/** One decision taken on a request, by a person or by the policy. */
export interface StageDecision {
  stage: number;
  by: string;
  outcome: 'approved' | 'denied';
  /** Why a request was denied, in the system's words. */
  reason?: DenyReason;
  /** What the person who decided said. */
  comment?: string;
  /** The catalog rule that decided, when one did. */
  rule?: string;
  at: string;
}

/** A request as it arrived, before its approvers were resolved. */
export interface RequestFacts {
  requestId: string;
  requester: string;
  /** The application as it was when the request was made, policy and owners included. */
  application: RequestedData['application'];
  /** How long the access would last, for the approver to judge. */
  durationSeconds: number;
  /** Why the requester needs it. */
  justification: string;
  /** The API key the request came through, if any: that key may never decide it, whoever it acts for. */
  requestKey?: string;
}

/**
 * What became of the access an approved request led to, as far as the requester must be told:
 * granted (until when, which Jira issue, and who asked to end it early), failed, or ended (why, by whom).
 */
export type AccessOutcome =
  | {
      state: 'granted';
      grantedAt: string;
      expiresAt: string;
      ticketKey?: string;
      endRequested?: { reason: EarlyRevokeReason; by: string };
    }
  | { state: 'failed'; reason: string }
  | { state: 'ended'; reason: RevokeReason; by?: string; at: string };

/** The approval of one request: who must decide, in which order, and what was decided. */
export interface Approval extends RequestFacts {
  /** The approvers of each stage, resolved once when the request arrived. */
  stages: string[][];
  /** The stage waiting for a decision (or the last one decided). */
  stage: number;
  /** Who may decide the current stage. */
  approvers: string[];
  /** How many approvals each stage needs and whom it escalates to; one and nobody for approvals opened before these existed. */
  stagePolicies?: StagePolicy[];
  decisions: StageDecision[];
  state: ApprovalStatus;
  /** The access the approval led to, once the provisioner reported on it. */
  access?: AccessOutcome;
  /** Every extension asked for, oldest first; at most the last one is pending. */
  extensions?: Extension[];
}

/** What a stage needs besides its approvers: N approvals of them, and who is added when the reminder fires. */
export interface StagePolicy {
  required: number;
  escalateTo?: string;
}

/** An extension of the access: asked for (by the requester, on the web or in the chat), then approved or denied. */
export interface Extension {
  /** The `extension_requested` event that asked for it. */
  eventId: string;
  by: string;
  durationSeconds: number;
  justification: string;
  at: string;
  state: 'pending' | 'approved' | 'denied';
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
}

/** Who approves an extension the application lets the requester give herself. */
export const SELF_EXTENDER = 'policy:self-extension';

/** What the service knows of a request: nothing, the request alone (approvers not resolved yet), or its approval. */
export type ApprovalState = { state: 'unknown' } | ({ state: 'requested' } & RequestFacts) | Approval;

/** What can be asked of an approval. */
export type ApprovalCommand =
  /**
   * Open the approval of a request that arrived, with the requester's manager and Okta groups as the
   * directory knows them (each looked up only when the policy needs it).
   */
  | { kind: 'open'; requested: RequestedData; manager: string | undefined; groups?: string[] }
  /** The pending request's reminder fired: the current stage's escalation target joins its approvers. */
  | { kind: 'escalate' }
  /** The pending request reached its TTL with no decision. */
  | { kind: 'time_out' }
  /**
   * A person's answer. `stage` is the stage they were shown (a Slack button, the web form); without it
   * the answer is for whatever stage is current. An answer for any other stage changes nothing.
   */
  | { kind: 'approve'; by: string; stage?: number; extension?: number; via?: Via; comment?: string }
  | { kind: 'deny'; by: string; stage?: number; extension?: number; via?: Via; comment?: string }
  /** The requester withdrew the request (the `cancelled` event is the cause). */
  | { kind: 'observe_cancelled' }
  /** The provisioner or the scheduler reported on the access (the event is the cause), so the requester can be told. */
  | { kind: 'observe_access'; type: AccessReport }
  /** An extension was asked for (the event is the cause): approve it at once when the policy lets the requester extend alone. */
  | { kind: 'consider_extension'; event: AccessEvent<'extension_requested'> }
  /** The requester clicked Extend on the pre-expiry notice: as long again as she first asked, within the room left. */
  | { kind: 'extend_from_chat'; by: string; via?: Via };

/** The events of the access's life the approval follows to tell the requester. */
export const accessReports = [
  'granted',
  'grant_failed',
  'ticket_opened',
  'revoke_requested',
  'revoked',
  'extended',
] as const satisfies EventType[];
export type AccessReport = (typeof accessReports)[number];

/** The event types an approval produces. */
export type ApprovalProduced =
  'approval_opened' | 'approval_escalated' | 'approved' | 'denied' | 'extension_requested' | 'extension_approved' | 'extension_denied';

/** An event an approval produces, before it is stamped. */
export type ApprovalDraft = EventDraft<ApprovalProduced>;

/** Who approves on behalf of an `auto` policy. */
export const AUTO_APPROVER = 'policy:auto';

/** Who denies a request that nobody but its requester could approve, that nobody decided in time, or that a rule refused. */
export const POLICY_DENIER = 'policy';

/** Who approves on behalf of a catalog rule (its name is in the event). */
export const RULE_APPROVER = 'policy:rule';

/** Whether the service holds an opened approval (rather than nothing, or a request whose approvers are not resolved). */
export function isApproval(state: ApprovalState): state is Approval {
  return state.state !== 'unknown' && state.state !== 'requested';
}

/** Whether resolving a policy's approvers needs the requester's manager (so the directory is asked only then). */
export function needsManager(policy: ApprovalPolicy): boolean {
  switch (policy.kind) {
    case 'auto':
      return false;
    case 'manager':
      return true;
    case 'stages':
      return policy.stages.some((stage) => stage.kind === 'manager');
    default: {
      const _exhaustive: never = policy;
      return _exhaustive;
    }
  }
}

/**
 * The rules of an approval. Opening resolves each stage's approvers from the policy snapshot in
 * the request (never the requester) and lets the policy decide at once when it can; a person
 * decides only the current stage of a pending approval they are an approver of, approves at most
 * one stage, and an answer repeated is answered as already given. Logins are compared in their
 * canonical form; state rebuilt from older events, which kept logins as typed, is canonicalised
 * as it is folded.
 */
export const approvalDecider: Decider<ApprovalCommand, ApprovalState, ApprovalProduced> = {
  initialState: { state: 'unknown' },

  decide(command, state, now): Decision<ApprovalProduced> {
    switch (command.kind) {
      case 'open':
        if (isApproval(state)) return nothing(`the approval is already open (${state.state})`);
        return accept<ApprovalProduced>(...opening(command.requested, command.manager, { groups: command.groups, now }));
      case 'escalate': {
        if (!isApproval(state) || state.state !== 'pending') return nothing('the approval is not pending');
        const target = state.stagePolicies?.[state.stage]?.escalateTo;
        if (!target || sameLogin(target, state.requester)) return nothing(`stage ${state.stage} has nobody to escalate to`);
        if (state.approvers.some((approver) => sameLogin(approver, target)))
          return nothing(`${target} is an approver of stage ${state.stage} already`);
        return accept<ApprovalProduced>({ type: 'approval_escalated', data: { stage: state.stage, approver: normaliseLogin(target) } });
      }
      case 'time_out':
        if (!isApproval(state) || state.state !== 'pending') return nothing('the approval is not pending');
        return accept<ApprovalProduced>({ type: 'denied', data: { by: POLICY_DENIER, reason: 'approval_timeout' } });
      case 'approve':
      case 'deny':
        return deciding(command, state);
      case 'observe_cancelled':
        if (!isApproval(state)) return notYet('the approval of the cancelled request is not open yet');
        if (state.state === 'cancelled') return nothing('the approval is already cancelled');
        if (state.state === 'denied') return nothing('a denied request stays denied');
        return accept();
      case 'observe_access':
        // An approval this service never opened (its tables restored from an older backup, say) has nobody to tell.
        if (!isApproval(state)) return nothing(`no approval is known for the ${command.type} report`);
        return accept();
      case 'consider_extension':
        return considerExtension(command.event, state);
      case 'extend_from_chat':
        return extendFromChat(command.by, state);
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },

  evolve(state, event: AccessEvent): ApprovalState {
    switch (event.type) {
      case 'requested':
        return state.state === 'unknown' ? { state: 'requested', ...factsOf(event) } : state;
      case 'approval_opened':
        return state.state === 'requested' ? opened(state, event.data.stages) : state;
      case 'approval_escalated':
        return isApproval(state) ? escalatedTo(state, event.data.stage, normaliseLogin(event.data.approver)) : state;
      case 'approved':
        return isApproval(state) ? approvedStep(state, event) : state;
      case 'denied':
        return isApproval(state) ? deniedAt(state, event) : state;
      case 'cancelled':
        return isApproval(state) && state.state !== 'denied' ? { ...state, state: 'cancelled' } : state;
      case 'granted':
      case 'grant_failed':
      case 'ticket_opened':
      case 'revoke_requested':
      case 'revoked':
      case 'extended':
        return isApproval(state) ? { ...state, access: accessAfter(state.access, event) } : state;
      case 'grant_retrying':
      case 'expired':
      case 'revoke_failed':
      case 'ticket_closed':
        return state;
      case 'extension_requested':
      case 'extension_approved':
      case 'extension_denied':
        return isApproval(state) ? { ...state, extensions: extensionsAfter(state.extensions ?? [], event) } : state;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
};

/**
 * The approval a new request needs, and the decision the policy takes at once: approve when nobody
 * need, deny when a stage has nobody, or when the stages cannot each have a different approver
 * (one person approves one stage, so such a request could never be approved).
 */
function opening(requested: RequestedData, manager: string | undefined, facts: { groups?: string[]; now: Date }): ApprovalDraft[] {
  const rule = firstMatchingRule(requested.application.rules ?? [], {
    groups: facts.groups,
    durationSeconds: requested.durationSeconds,
    now: facts.now,
  });
  if (rule) {
    const open: ApprovalDraft = { type: 'approval_opened', data: { stages: [], rule: rule.name } };
    if (rule.effect === 'approve')
      return [open, { type: 'approved', data: { stage: 0, approver: RULE_APPROVER, final: true, rule: rule.name } }];
    return [open, { type: 'denied', data: { by: POLICY_DENIER, reason: 'rule', rule: rule.name } }];
  }
  const stages = resolvedStages(requested, manager);
  const open: ApprovalDraft = { type: 'approval_opened', data: { stages } };
  if (stages.length === 0) return [open, { type: 'approved', data: { stage: 0, approver: AUTO_APPROVER, final: true } }];
  if (!distinctApproversExist(stages) || stages.some((stage) => stage.approvers.length < (stage.required ?? 1))) {
    return [open, { type: 'denied', data: { by: POLICY_DENIER, reason: 'no_eligible_approver' } }];
  }
  return [open];
}

/**
 * The stages of a request's policy with their approvers resolved (the requester never among them),
 * each with the approvals it needs and its escalation target. Pure; the dry run answers with it too.
 */
export function resolvedStages(requested: Pick<RequestedData, 'application' | 'requester'>, manager: string | undefined): ResolvedStage[] {
  return resolveStages(requested.application, manager).map((stage) => ({
    ...stage,
    approvers: unique(stage.approvers.map(normaliseLogin).filter((approver) => !sameLogin(approver, requested.requester))),
  }));
}

/**
 * Whether every stage can be given as many approvers as it needs, no person twice (a bipartite
 * matching by augmenting paths, a stage needing N taking N slots).
 */
function distinctApproversExist(stages: ResolvedStage[]): boolean {
  const slots = stages.flatMap((stage, index) => Array.from({ length: stage.required ?? 1 }, () => index));
  const slotOf = new Map<string, number>();
  const assign = (slot: number, tried: Set<string>): boolean =>
    stages[slots[slot]].approvers.some((person) => {
      if (tried.has(person)) return false;
      tried.add(person);
      const holder = slotOf.get(person);
      if (holder !== undefined && !assign(holder, tried)) return false;
      slotOf.set(person, slot);
      return true;
    });
  return slots.every((_, slot) => assign(slot, new Set()));
}

/**
 * A person's answer. Who is neither the requester nor a resolved approver of the request is told
 * it does not exist, whatever its state, so a request id tells an outsider nothing.
 */
function deciding(command: Extract<ApprovalCommand, { kind: 'approve' | 'deny' }>, state: ApprovalState): Decision<ApprovalProduced> {
  const { comment } = command;
  const by = normaliseLogin(command.by);
  const unknown = new NotFoundError('no approval is known for this request');
  if (state.state === 'unknown') return refuse(unknown);
  if (command.via?.kind === 'api_key' && command.via.name === state.requestKey) {
    return refuse(new SameKeyError(`API key "${state.requestKey}" asked for this request and can never decide it, whoever it acts for`));
  }
  if (sameLogin(by, state.requester)) return refuse(new SelfApprovalError('a requester can never decide on their own request'));
  if (!isApproval(state) || !state.stages.some((stage) => stage.some((approver) => sameLogin(approver, by)))) return refuse(unknown);
  // An answer naming an extension (its chat button), or naming no stage once the request is approved, is for the extension.
  if (command.extension !== undefined) return decidingExtension(command, by, state, command.extension);
  if (command.stage === undefined && state.state === 'approved' && pendingExtension(state)) {
    return decidingExtension(command, by, state, (state.extensions?.length ?? 0) - 1);
  }
  const outcome = command.kind === 'approve' ? 'approved' : 'denied';
  const given = state.decisions.find((d) => sameLogin(d.by, by) && d.outcome === outcome && d.stage === (command.stage ?? d.stage));
  if (given) return nothing(`${by} already gave this answer for stage ${given.stage}`);
  if (command.stage !== undefined && (command.stage !== state.stage || state.state !== 'pending')) {
    return refuse(staleStage(command.stage, state));
  }
  if (state.state !== 'pending') return refuse(new ConflictError(`the request is already ${state.state}`, { state: state.state }));
  const earlier = state.decisions.find((d) => d.outcome === 'approved' && sameLogin(d.by, by));
  if (earlier && command.kind === 'approve') return refuse(oneStagePerPerson(by, earlier.stage, state));
  if (!state.approvers.some((approver) => sameLogin(approver, by)))
    return refuse(new NotAnApproverError(`${by} is not an approver of stage ${state.stage} of this request`));
  const said = comment ? { comment } : {};
  if (command.kind === 'deny') return accept<ApprovalProduced>({ type: 'denied', data: { by, reason: 'denied_by_approver', ...said } });
  // N of M: this approval completes the stage when it is the Nth; the last stage completed is the final approval.
  const stageDone = approvalsAt(state.decisions, state.stage) + 1 >= requiredAt(state, state.stage);
  const final = stageDone && state.stage === state.stages.length - 1;
  return accept<ApprovalProduced>({ type: 'approved', data: { stage: state.stage, approver: by, final, ...said } });
}

function staleStage(answered: number, approval: Approval): StaleStageError {
  const now = approval.state === 'pending' ? `stage ${approval.stage} is waiting` : `the request is already ${approval.state}`;
  return new StaleStageError(`the answer was for stage ${answered}, which is no longer open: ${now}; nothing was changed`, {
    stage: answered,
    currentStage: approval.stage,
    state: approval.state,
  });
}

function oneStagePerPerson(by: string, approvedStage: number, approval: Approval): OneStagePerPersonError {
  const others = (approval.stages[approval.stage] ?? []).filter((approver) => !sameLogin(approver, by));
  const next =
    others.length > 0
      ? `stage ${approval.stage} needs someone else (${others.join(', ')})`
      : `nobody else can approve stage ${approval.stage}, so this request cannot be approved by you`;
  return new OneStagePerPersonError(
    `${by} already approved stage ${approvedStage} of this request and one person approves one stage: ${next}`,
    {
      approvedStage,
      stage: approval.stage,
    },
  );
}

function resolveStages(application: RequestedData['application'], manager: string | undefined): ResolvedStage[] {
  const policy = application.approval;
  const managers = manager ? [manager] : [];
  switch (policy.kind) {
    case 'auto':
      return [];
    case 'manager':
      return [{ source: 'manager', approvers: managers }];
    case 'stages':
      return policy.stages.map((stage): ResolvedStage => {
        const extras = {
          ...(stage.required && stage.required > 1 ? { required: stage.required } : {}),
          ...(stage.escalateTo ? { escalateTo: normaliseLogin(stage.escalateTo) } : {}),
        };
        switch (stage.kind) {
          case 'manager':
            return { source: 'manager', approvers: managers, ...extras };
          case 'owners':
            return { source: 'owners', approvers: application.owners, ...extras };
          case 'users':
            return { source: 'users', approvers: stage.users, ...extras };
          default: {
            const _exhaustive: never = stage;
            return _exhaustive;
          }
        }
      });
    default: {
      const _exhaustive: never = policy;
      return _exhaustive;
    }
  }
}

function factsOf(event: AccessEvent<'requested'>): RequestFacts {
  const { requester, application, durationSeconds, justification } = event.data;
  const requestKey = event.via?.kind === 'api_key' ? event.via.name : undefined;
  return {
    requestId: event.requestId,
    requester: normaliseLogin(requester),
    application,
    durationSeconds,
    justification,
    ...(requestKey ? { requestKey } : {}),
  };
}

function opened({ state: _requested, ...facts }: Extract<ApprovalState, { state: 'requested' }>, stages: ResolvedStage[]): Approval {
  const approvers = stages.map((stage) => stage.approvers.map(normaliseLogin));
  const stagePolicies = stages.map((stage) => ({
    required: stage.required ?? 1,
    ...(stage.escalateTo ? { escalateTo: stage.escalateTo } : {}),
  }));
  return { ...facts, stages: approvers, stage: 0, approvers: approvers[0] ?? [], stagePolicies, decisions: [], state: 'pending' };
}

function approvedStep(approval: Approval, event: AccessEvent<'approved'>): Approval {
  const { stage, approver, final, comment, rule } = event.data;
  const said = { ...(comment ? { comment } : {}), ...(rule ? { rule } : {}) };
  const decisions = [
    ...approval.decisions,
    { stage, by: normaliseLogin(approver), outcome: 'approved' as const, ...said, at: event.occurredAt },
  ];
  if (final) return { ...approval, stage, decisions, state: 'approved' };
  if (approvalsAt(decisions, stage) < requiredAt(approval, stage)) return { ...approval, decisions };
  const next = stage + 1;
  return { ...approval, stage: next, approvers: approval.stages[next] ?? [], decisions };
}

function deniedAt(approval: Approval, event: AccessEvent<'denied'>): Approval {
  const { by, reason, comment, rule } = event.data;
  const decision: StageDecision = {
    stage: approval.stage,
    by: normaliseLogin(by),
    outcome: 'denied',
    reason,
    ...(comment ? { comment } : {}),
    ...(rule ? { rule } : {}),
    at: event.occurredAt,
  };
  return { ...approval, decisions: [...approval.decisions, decision], state: 'denied' };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** The access outcome after a report from the provisioner: a report that does not fit where the access stands changes nothing. */
function accessAfter(access: AccessOutcome | undefined, event: AccessEvent<AccessReport>): AccessOutcome | undefined {
  switch (event.type) {
    case 'granted':
      return access
        ? access
        : { state: 'granted', grantedAt: event.data.grantedAt, expiresAt: event.data.expiresAt, ...ticketOf(event.data.ticketKey) };
    case 'grant_failed':
      return access ? access : { state: 'failed', reason: event.data.reason };
    case 'ticket_opened':
      return access?.state === 'granted' ? { ...access, ticketKey: event.data.ticketKey } : access;
    case 'revoke_requested':
      return access?.state === 'granted' ? { ...access, endRequested: { reason: event.data.reason, by: event.data.by } } : access;
    case 'extended':
      return access?.state === 'granted' ? { ...access, expiresAt: event.data.expiresAt } : access;
    case 'revoked': {
      if (access?.state !== 'granted') return access;
      const by = access.endRequested?.by;
      return { state: 'ended', reason: event.data.reason, ...(by ? { by } : {}), at: event.data.revokedAt };
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function ticketOf(ticketKey: string | undefined): { ticketKey?: string } {
  return ticketKey ? { ticketKey } : {};
}

/** The extension waiting for a decision, if any. */
export function pendingExtension(approval: Approval): Extension | undefined {
  const last = approval.extensions?.at(-1);
  return last?.state === 'pending' ? last : undefined;
}

/** How many seconds the requester has extended her access by alone so far. */
function selfExtendedSeconds(approval: Approval): number {
  return (approval.extensions ?? []).filter((e) => e.decidedBy === SELF_EXTENDER).reduce((sum, e) => sum + e.durationSeconds, 0);
}

/** How many seconds an extension may still add under the request's maximum total; 0 when the access is not granted and live. */
export function extensionRoom(approval: Approval): number {
  const access = approval.access;
  if (access?.state !== 'granted' || access.endRequested) return 0;
  return extensionRoomSeconds(approval.application.maxTotalSeconds, access.grantedAt, access.expiresAt);
}

/** Whether the requester may extend now (the Extend button is shown): live access, room left, and no extension waiting. */
export function mayExtend(approval: Approval): boolean {
  return extensionRoom(approval) > 0 && !pendingExtension(approval);
}

/** The policy's answer to an extension, when it can give one: approved when the requester may extend that much alone. */
function policyAnswer(approval: Approval, durationSeconds: number): ApprovalDraft[] {
  const alone = approval.application.selfExtensionSeconds ?? 0;
  if (selfExtendedSeconds(approval) + durationSeconds > alone) return [];
  return [{ type: 'extension_approved', data: { by: SELF_EXTENDER, durationSeconds } }];
}

function considerExtension(event: AccessEvent<'extension_requested'>, state: ApprovalState): Decision<ApprovalProduced> {
  if (!isApproval(state)) return notYet('the approval of the request to extend is not open yet');
  if (state.extensions?.some((e) => e.eventId === event.id)) return nothing('the extension is known already');
  if (pendingExtension(state)) return nothing('an extension is waiting already');
  // Access that ended or is ending meanwhile is not extended: the extension is answered, so nothing waits on it.
  if (state.access?.state !== 'granted' || state.access.endRequested) {
    return accept<ApprovalProduced>({ type: 'extension_denied', data: { by: POLICY_DENIER, comment: 'the access is no longer granted' } });
  }
  return accept<ApprovalProduced>(...policyAnswer(state, event.data.durationSeconds));
}

function extendFromChat(by: string, state: ApprovalState): Decision<ApprovalProduced> {
  if (!isApproval(state)) return refuse(new NotFoundError('no approval is known for this request'));
  if (!sameLogin(by, state.requester)) return refuse(new ForbiddenError('only the requester can extend her access'));
  if (pendingExtension(state)) return refuse(new ConflictError('an extension is already waiting for approval'));
  const room = extensionRoom(state);
  if (state.access?.state !== 'granted' || state.access.endRequested) return refuse(new ConflictError('the access is no longer granted'));
  if (room === 0) return refuse(new ConflictError('the access lasts as long as the application allows in all; it cannot be extended'));
  const durationSeconds = Math.min(state.durationSeconds, room);
  const asked: ApprovalDraft = {
    type: 'extension_requested',
    data: { by: normaliseLogin(by), durationSeconds, justification: state.justification },
  };
  return accept<ApprovalProduced>(asked, ...policyAnswer(state, durationSeconds));
}

/**
 * An approver's answer to the `index`th extension: any resolved approver of the request, never the
 * requester (checked before), while it waits; the same answer again is answered as given.
 */
function decidingExtension(
  command: Extract<ApprovalCommand, { kind: 'approve' | 'deny' }>,
  by: string,
  approval: Approval,
  index: number,
): Decision<ApprovalProduced> {
  const extension = approval.extensions?.[index];
  if (!extension) return refuse(new NotFoundError(`no extension ${index} was asked for on this request`));
  if (extension.state !== 'pending') {
    const outcome = command.kind === 'approve' ? 'approved' : 'denied';
    if (extension.state === outcome && extension.decidedBy && sameLogin(extension.decidedBy, by))
      return nothing(`${by} already ${outcome} this extension`);
    return refuse(
      new ConflictError(`the extension is already ${extension.state} by ${extension.decidedBy}; nothing was changed`, {
        state: extension.state,
      }),
    );
  }
  const said = command.comment ? { comment: command.comment } : {};
  if (command.kind === 'deny') return accept<ApprovalProduced>({ type: 'extension_denied', data: { by, ...said } });
  return accept<ApprovalProduced>({ type: 'extension_approved', data: { by, durationSeconds: extension.durationSeconds, ...said } });
}

function extensionsAfter(
  extensions: Extension[],
  event: AccessEvent<'extension_requested' | 'extension_approved' | 'extension_denied'>,
): Extension[] {
  const last = extensions.at(-1);
  switch (event.type) {
    case 'extension_requested': {
      if (extensions.some((e) => e.eventId === event.id) || last?.state === 'pending') return extensions;
      const { by, durationSeconds, justification } = event.data;
      return [
        ...extensions,
        { eventId: event.id, by: normaliseLogin(by), durationSeconds, justification, at: event.occurredAt, state: 'pending' },
      ];
    }
    case 'extension_approved':
    case 'extension_denied': {
      if (last?.state !== 'pending') return extensions;
      const state = event.type === 'extension_approved' ? ('approved' as const) : ('denied' as const);
      const comment = event.data.comment ? { comment: event.data.comment } : {};
      return [...extensions.slice(0, -1), { ...last, state, decidedBy: event.data.by, decidedAt: event.occurredAt, ...comment }];
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** How many approvals a stage has been given. */
function approvalsAt(decisions: StageDecision[], stage: number): number {
  return decisions.filter((d) => d.stage === stage && d.outcome === 'approved').length;
}

/** How many approvals a stage needs (one for approvals opened before stages could need more). */
export function requiredAt(approval: Approval, stage: number): number {
  return approval.stagePolicies?.[stage]?.required ?? 1;
}

/** A stage's escalation target joins its approvers, and the current approvers when it is the current stage. */
function escalatedTo(approval: Approval, stage: number, approver: string): Approval {
  if (!approval.stages[stage] || approval.stages[stage].some((known) => sameLogin(known, approver))) return approval;
  const stages = approval.stages.map((approvers, i) => (i === stage ? [...approvers, approver] : approvers));
  return { ...approval, stages, approvers: stage === approval.stage ? [...approval.approvers, approver] : approval.approvers };
}
