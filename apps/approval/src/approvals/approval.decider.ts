import type { AccessEvent, ApprovalPolicy, EventDraft, RequestedData } from '@jit/events';
import { ConflictError, NotFoundError, type DomainError } from '@jit/platform';
import { NotAnApproverError, SelfApprovalError } from './approval.errors.js';

/** Where an approval stands. */
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'cancelled';

/** One decision taken on a request, by a person or by the policy. */
export interface Decision {
  stage: number;
  by: string;
  outcome: 'approved' | 'denied';
  comment?: string;
  at: string;
}

/** The approval of one request: who must decide, in which order, and what was decided. */
export interface Approval {
  requestId: string;
  requester: string;
  /** The application as it was when the request was made, policy and owners included. */
  application: RequestedData['application'];
  /** How long the access would last, for the approver to judge. */
  durationSeconds: number;
  /** Why the requester needs it. */
  justification: string;
  /** The approvers of each stage, resolved once when the request arrived. */
  stages: string[][];
  /** The stage waiting for a decision (or the last one decided). */
  stage: number;
  /** Who may decide the current stage. */
  approvers: string[];
  decisions: Decision[];
  state: ApprovalStatus;
}

/** What can be asked of an approval. */
export type ApprovalCommand =
  { kind: 'open' } | { kind: 'approve'; by: string; comment?: string } | { kind: 'deny'; by: string; comment?: string };

/** The events an approval decides. */
export type ApprovalDraft = EventDraft<'approved' | 'denied'>;

/** The events that change an approval once it exists. */
export type ApprovalEvent = AccessEvent<'approved' | 'denied' | 'cancelled'>;

/** Who approves on behalf of an `auto` policy. */
export const AUTO_APPROVER = 'policy:auto';

/** Who denies a request that nobody but its requester could approve. */
export const POLICY_DENIER = 'policy';

/** Why a request with an empty stage is denied. */
export const NO_ELIGIBLE_APPROVER = 'no eligible approver';

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
 * The approval a new request needs, pending at its first stage. Each stage's approvers come from
 * the policy snapshot in the request; the requester is never one of them.
 */
export function openApproval(requestId: string, requested: RequestedData, manager: string | undefined): Approval {
  const stages = resolveStages(requested.application, manager).map((approvers) =>
    unique(approvers.filter((a) => a !== requested.requester)),
  );
  return {
    requestId,
    requester: requested.requester,
    application: requested.application,
    durationSeconds: requested.durationSeconds,
    justification: requested.justification,
    stages,
    stage: 0,
    approvers: stages[0] ?? [],
    decisions: [],
    state: 'pending',
  };
}

/** Decides the events a command produces, or the rule it breaks. Pure: no I/O, no clock. */
export function decide(command: ApprovalCommand, approval: Approval | undefined): ApprovalDraft[] | DomainError {
  if (!approval) return new NotFoundError('no approval is known for this request');
  switch (command.kind) {
    case 'open':
      return opening(approval);
    case 'approve':
    case 'deny': {
      const refusal = refuseDecision(approval, command.by);
      if (refusal) return refusal;
      return command.kind === 'approve' ? [approvalStep(approval, command.by, command.comment)] : [denial(command.by, command.comment)];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

/** Applies an event to an approval. */
export function evolve(approval: Approval, event: ApprovalEvent): Approval {
  switch (event.type) {
    case 'approved': {
      const { stage, approver, final, comment } = event.data;
      const decisions = [...approval.decisions, decision(stage, approver, 'approved', comment, event.occurredAt)];
      if (final) return { ...approval, stage, decisions, state: 'approved' };
      const next = stage + 1;
      return { ...approval, stage: next, approvers: approval.stages[next] ?? [], decisions };
    }
    case 'denied': {
      const { by, reason } = event.data;
      return {
        ...approval,
        decisions: [...approval.decisions, decision(approval.stage, by, 'denied', reason, event.occurredAt)],
        state: 'denied',
      };
    }
    case 'cancelled':
      return approval.state === 'denied' ? approval : { ...approval, state: 'cancelled' };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function resolveStages(application: RequestedData['application'], manager: string | undefined): string[][] {
  const policy = application.approval;
  const managers = manager ? [manager] : [];
  switch (policy.kind) {
    case 'auto':
      return [];
    case 'manager':
      return [managers];
    case 'stages':
      return policy.stages.map((stage) => {
        switch (stage.kind) {
          case 'manager':
            return managers;
          case 'owners':
            return application.owners;
          case 'users':
            return stage.users;
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

/** The decision taken the moment a request arrives: by the policy, or none (people decide). */
function opening(approval: Approval): ApprovalDraft[] {
  if (approval.state !== 'pending' || approval.decisions.length > 0) return [];
  if (approval.stages.length === 0) return [{ type: 'approved', data: { stage: 0, approver: AUTO_APPROVER, final: true } }];
  if (approval.stages.some((approvers) => approvers.length === 0)) {
    return [{ type: 'denied', data: { by: POLICY_DENIER, reason: NO_ELIGIBLE_APPROVER } }];
  }
  return [];
}

function refuseDecision(approval: Approval, by: string): DomainError | undefined {
  if (by === approval.requester) return new SelfApprovalError('a requester can never decide on their own request');
  if (approval.state !== 'pending') return new ConflictError(`the request is already ${approval.state}`, { state: approval.state });
  if (!approval.approvers.includes(by)) {
    return new NotAnApproverError(`${by} is not an approver of stage ${approval.stage} of this request`);
  }
  return undefined;
}

function approvalStep(approval: Approval, by: string, comment: string | undefined): ApprovalDraft {
  const final = approval.stage === approval.stages.length - 1;
  return { type: 'approved', data: { stage: approval.stage, approver: by, final, ...(comment ? { comment } : {}) } };
}

function denial(by: string, comment: string | undefined): ApprovalDraft {
  return { type: 'denied', data: { by, reason: comment || 'denied by approver' } };
}

function decision(stage: number, by: string, outcome: Decision['outcome'], comment: string | undefined, at: string): Decision {
  return { stage, by, outcome, ...(comment ? { comment } : {}), at };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
