import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import {
  Clock,
  ConflictError,
  DecisionPipeline,
  ForbiddenError,
  Outbox,
  UnavailableError,
  normaliseLogin,
  refuse,
  type AccessEvent,
  type PipelineOutcome,
  type RequestedData,
  type Refused,
} from '@jit/events';
import { decodeCursor, pageOf, type Page } from '@jit/platform';
import { needsGroups } from '../policy/rules.js';
import { Directory, DirectoryUnavailableError } from '../directory/directory.js';
import {
  approvalDecider,
  needsManager,
  type AccessReport,
  type Approval,
  type ApprovalCommand,
  type ApprovalProduced,
  type ApprovalState,
  type ApprovalStatus,
} from './approval.decider.js';
import { ApprovalRecord } from './approval.entity.js';
import { ApprovalStore } from './approval.store.js';

/** Where a page of approvals ends: the creation time and request id of its last approval. */
const ApprovalCursor = z.object({ createdAt: z.iso.datetime(), requestId: z.uuid() });

/** Who the service's own events are from. */
const SERVICE_ACTOR = 'service:approval';

/** What the directory says of a requester that the policy needs: their manager, their Okta groups. */
export interface DirectoryFacts {
  manager: string | undefined;
  groups?: string[];
}

/** A person's decision on a request. */
export type DecisionCommand = Extract<ApprovalCommand, { kind: 'approve' | 'deny' }>;

/**
 * What came of a person's decision: the approval it led to (`alreadyDecided` when it repeated an
 * answer the person had given, so nothing changed), or the rule it broke.
 */
export type DecisionResult = { kind: 'decided'; approval: Approval; alreadyDecided: boolean } | Refused;

/** The approval use cases, each one command through the one decision pipeline. */
@Injectable()
export class Approvals {
  private readonly pipeline: DecisionPipeline<ApprovalCommand, ApprovalState, ApprovalProduced>;

  constructor(
    private readonly dataSource: DataSource,
    outbox: Outbox,
    clock: Clock,
    store: ApprovalStore,
    private readonly directory: Directory,
    @InjectPinoLogger(Approvals.name) private readonly logger: PinoLogger,
  ) {
    this.pipeline = new DecisionPipeline({ decider: approvalDecider, store, outbox, clock, dataSource });
  }

  /**
   * The requester's manager and Okta groups, each when the policy needs it. Asked with no
   * transaction open, before deciding: a directory outage throws here, so the event is retried
   * rather than the request denied for want of a manager or approved for want of a group.
   */
  async directoryFacts({ requester, application }: Pick<RequestedData, 'requester' | 'application'>): Promise<DirectoryFacts> {
    const manager = needsManager(application.approval) ? await this.directory.managerOf(requester) : undefined;
    const groups = needsGroups(application.rules) ? await this.directory.groupsOf(requester) : undefined;
    return { manager, ...(groups ? { groups } : {}) };
  }

  /** A request arrived: open its approval with the approvers resolved and publish any decision the policy takes at once. */
  async open(event: AccessEvent<'requested'>, facts: DirectoryFacts, manager: EntityManager): Promise<PipelineOutcome<ApprovalState>> {
    const outcome = await this.pipeline.run({
      requestId: event.requestId,
      command: { kind: 'open', requested: event.data, manager: facts.manager, ...(facts.groups ? { groups: facts.groups } : {}) },
      actor: SERVICE_ACTOR,
      cause: event,
      manager,
    });
    if (outcome.kind === 'done') {
      this.logger.info({ requestId: event.requestId, eventId: event.id, state: outcome.state.state }, 'approval opened');
    }
    return outcome;
  }

  /** The requester withdrew the request: no decision on it counts any more. */
  cancel(event: AccessEvent<'cancelled'>, manager: EntityManager): Promise<PipelineOutcome<ApprovalState>> {
    return this.pipeline.run({
      requestId: event.requestId,
      command: { kind: 'observe_cancelled' },
      actor: SERVICE_ACTOR,
      cause: event,
      manager,
    });
  }

  /** The provisioner reported on the access (granted, failed, a ticket, an end asked or done, a new expiry): the requester is told. */
  observeAccess(event: AccessEvent<AccessReport>, manager: EntityManager): Promise<PipelineOutcome<ApprovalState>> {
    return this.pipeline.run({
      requestId: event.requestId,
      command: { kind: 'observe_access', type: event.type },
      actor: SERVICE_ACTOR,
      cause: event,
      manager,
    });
  }

  /** The pending request's reminder fired: the current stage's escalation target, if any, joins its approvers. */
  escalate(requestId: string, manager: EntityManager): Promise<PipelineOutcome<ApprovalState>> {
    return this.pipeline.run({ requestId, command: { kind: 'escalate' }, actor: SERVICE_ACTOR, manager });
  }

  /** The pending request reached its TTL: denied `approval_timeout`. */
  async timeOut(requestId: string, manager: EntityManager): Promise<PipelineOutcome<ApprovalState>> {
    const outcome = await this.pipeline.run({ requestId, command: { kind: 'time_out' }, actor: SERVICE_ACTOR, manager });
    if (outcome.kind === 'done') this.logger.info({ requestId }, 'pending request timed out');
    return outcome;
  }

  /** An extension was asked for on the web: the policy answers at once when the requester may extend alone, else approvers are asked. */
  considerExtension(event: AccessEvent<'extension_requested'>, manager: EntityManager): Promise<PipelineOutcome<ApprovalState>> {
    return this.pipeline.run({
      requestId: event.requestId,
      command: { kind: 'consider_extension', event },
      actor: SERVICE_ACTOR,
      cause: event,
      manager,
    });
  }

  /** The requester clicked Extend in the chat; a refusal is an answer. Someone no longer active in the directory extends nothing. */
  async extendFromChat(requestId: string, by: string): Promise<{ kind: 'asked' } | Refused> {
    const login = normaliseLogin(by);
    if (!(await this.isActive(login))) return refuse(new ForbiddenError(`${login} is not an active user in the directory`));
    const outcome = await this.pipeline.run({
      requestId,
      command: { kind: 'extend_from_chat', by: login, via: { kind: 'slack' } },
      actor: login,
      via: { kind: 'slack' },
    });
    if (outcome.kind === 'refused') return outcome;
    if (outcome.kind === 'not_yet') return refuse(new ConflictError(outcome.reason));
    this.logger.info({ requestId, by: login }, 'extension asked from the chat');
    return { kind: 'asked' };
  }

  /**
   * A person approves or denies, from the web or the chat; a refusal is an answer, not an exception.
   * Someone deactivated, suspended or deleted in the directory decides nothing, whatever their old
   * sessions or Slack buttons say; asked before the transaction opens, and failing closed.
   */
  async decide(requestId: string, decision: DecisionCommand): Promise<DecisionResult> {
    const command = { ...decision, by: normaliseLogin(decision.by) };
    const active = await this.isActive(command.by);
    if (!active) return refuse(new ForbiddenError(`${command.by} is not an active user in the directory and can decide nothing`));
    const outcome = await this.pipeline.run({ requestId, command, actor: command.by, via: command.via });
    switch (outcome.kind) {
      case 'refused':
        return outcome;
      case 'not_yet':
        return refuse(new ConflictError(`the request cannot be decided yet: ${outcome.reason}`));
      case 'done':
      case 'nothing': {
        // The decider refuses a decision on an unknown request, so whatever it accepts is an opened approval.
        const approval = outcome.state as Approval;
        // A person's answer is "nothing to do" only when they already gave it.
        const alreadyDecided = outcome.kind === 'nothing';
        this.logger.info(
          { requestId, by: command.by, decision: command.kind, state: approval.state, stage: approval.stage, alreadyDecided },
          'approval decided',
        );
        return { kind: 'decided', approval, alreadyDecided };
      }
      default: {
        const _exhaustive: never = outcome;
        return _exhaustive;
      }
    }
  }

  /**
   * One page of the approvals in `state`, oldest first, only those `approver` may decide now when
   * given; `pending` for an approver also lists granted requests whose extension waits on them.
   * Logins in rows are canonical (see the migration).
   */
  async list(filter: { state: ApprovalStatus; approver?: string; cursor?: string; limit: number }): Promise<Page<ApprovalRecord>> {
    const query = this.dataSource.getRepository(ApprovalRecord).createQueryBuilder('a');
    if (filter.approver) {
      const login = normaliseLogin(filter.approver);
      const parameters = {
        state: filter.state,
        approver: JSON.stringify([login]),
        approved: JSON.stringify([{ by: login, outcome: 'approved' }]),
        anyStage: JSON.stringify([[login]]),
        login,
      };
      // Who approved an earlier stage may not approve this one (one person, one stage), so it is not theirs to decide.
      const stage = `a.state = :state AND a.approvers @> CAST(:approver AS jsonb) AND NOT a.decisions @> CAST(:approved AS jsonb)`;
      // An extension waiting on a granted request is any of its approvers' to decide, never its requester's (a decided request is `approved`).
      const extension = `a.state = 'approved' AND a.extensions -> -1 ->> 'state' = 'pending' AND a.stages @> CAST(:anyStage AS jsonb) AND a.requester <> :login`;
      query.where(filter.state === 'pending' ? `((${stage}) OR (${extension}))` : stage, parameters);
    } else {
      query.where('a.state = :state', { state: filter.state });
    }
    const after = decodeCursor(ApprovalCursor, filter.cursor);
    if (after) query.andWhere('(a.created_at, a.request_id) > (:createdAt, :requestId)', after);
    const records = await query
      .orderBy('a.created_at', 'ASC')
      .addOrderBy('a.request_id', 'ASC')
      .take(filter.limit + 1)
      .getMany();
    return pageOf(records, filter.limit, (record) => ({ createdAt: record.createdAt.toISOString(), requestId: record.requestId }));
  }

  /** Whether the directory says the person is active; an unreachable directory is a 503, never a yes. */
  private isActive(login: string): Promise<boolean> {
    return this.directory.isActive(login).catch((error: unknown) => {
      if (error instanceof DirectoryUnavailableError)
        throw new UnavailableError(`cannot confirm ${login} is an active user: ${error.message}`);
      throw error;
    });
  }
}
