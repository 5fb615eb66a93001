import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock, Outbox, createEvent, type AccessEvent } from '@jit/events';
import { DomainError } from '@jit/platform';
import { Directory } from '../directory/directory.js';
import { ChatNotifications } from '../slack/chat-notifications.js';
import { decide, evolve, needsManager, openApproval, type Approval, type ApprovalDraft, type ApprovalStatus } from './approval.decider.js';
import { ApprovalRecord, approvalOf, recordOf } from './approval.entity.js';

/** Who the service's own events are from. */
const SERVICE_ACTOR = 'service:approval';

/** A person's decision on a request. */
export interface DecisionCommand {
  kind: 'approve' | 'deny';
  by: string;
  comment?: string;
}

/** The approval use cases: each loads the state, asks the decider, and stores the state with its events in one transaction. */
@Injectable()
export class Approvals {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly directory: Directory,
    private readonly notifications: ChatNotifications,
    @InjectPinoLogger(Approvals.name) private readonly logger: PinoLogger,
  ) {}

  /** A request arrived: resolve its approvers, store its approval and publish any decision the policy takes at once. */
  async open(event: AccessEvent<'requested'>, manager: EntityManager): Promise<void> {
    if (await manager.getRepository(ApprovalRecord).existsBy({ requestId: event.requestId })) return;
    const { requester, application } = event.data;
    // A directory outage throws here, so the event is retried rather than the request denied for want of a manager.
    const requesterManager = needsManager(application.approval) ? await this.directory.managerOf(requester) : undefined;
    const approval = openApproval(event.requestId, event.data, requesterManager);
    const drafts = decide({ kind: 'open' }, approval);
    if (drafts instanceof DomainError) throw drafts;
    const opened = await this.commit(manager, { before: undefined, opened: approval }, drafts, { actor: SERVICE_ACTOR, cause: event });
    this.logger.info(
      { requestId: event.requestId, eventId: event.id, state: opened.state, approvers: opened.approvers },
      'approval opened',
    );
  }

  /** The requester withdrew the request: no decision on it counts any more. */
  async cancel(event: AccessEvent<'cancelled'>, manager: EntityManager): Promise<void> {
    const record = await this.load(manager, event.requestId);
    // Events of one request arrive in order, but a `requested` that failed here is retried: wait for it.
    if (!record) throw new Error(`no approval of request ${event.requestId} yet; retrying after its requested event is applied`);
    const before = approvalOf(record);
    const cancelled = evolve(before, event);
    await manager.getRepository(ApprovalRecord).save(recordOf(cancelled, { createdAt: record.createdAt, updatedAt: this.clock.now() }));
    await this.notifications.record(manager, before, cancelled);
  }

  /**
   * A person approves or denies. The row is locked for the transaction, so of two concurrent
   * decisions the second sees the first's outcome and is refused.
   */
  async decide(requestId: string, command: DecisionCommand): Promise<Approval> {
    const decided = await this.dataSource.transaction(async (manager) => {
      const record = await this.load(manager, requestId);
      const approval = record ? approvalOf(record) : undefined;
      const drafts = decide(command, approval);
      if (drafts instanceof DomainError) throw drafts;
      // The decider refuses an unknown request, so past this point there is one.
      return this.commit(manager, { before: approval as Approval, createdAt: (record as ApprovalRecord).createdAt }, drafts, {
        actor: command.by,
      });
    });
    this.logger.info({ requestId, by: command.by, decision: command.kind, state: decided.state, stage: decided.stage }, 'approval decided');
    return decided;
  }

  /** Approvals in `state`, only those `approver` may decide now when given. */
  async list(filter: { state: ApprovalStatus; approver?: string }): Promise<ApprovalRecord[]> {
    const query = this.dataSource.getRepository(ApprovalRecord).createQueryBuilder('a').where('a.state = :state', { state: filter.state });
    if (filter.approver) query.andWhere('a.approvers @> CAST(:approver AS jsonb)', { approver: JSON.stringify([filter.approver]) });
    return query.orderBy('a.created_at', 'ASC').getMany();
  }

  private load(manager: EntityManager, requestId: string): Promise<ApprovalRecord | null> {
    return manager.getRepository(ApprovalRecord).findOne({ where: { requestId }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Stores an approval with the events that change it, and what to tell people about the change,
   * in the caller's transaction. `from` is the stored approval, or the one just opened.
   */
  private async commit(
    manager: EntityManager,
    from: { before: Approval; createdAt: Date } | { before: undefined; opened: Approval },
    drafts: ApprovalDraft[],
    origin: { actor: string; cause?: AccessEvent },
  ): Promise<Approval> {
    const start = from.before === undefined ? from.opened : from.before;
    const events = drafts.map((draft) => createEvent(draft, { requestId: start.requestId, ...origin }, this.clock));
    const next = events.reduce(evolve, start);
    const now = this.clock.now();
    const createdAt = from.before === undefined ? now : from.createdAt;
    await manager.getRepository(ApprovalRecord).save(recordOf(next, { createdAt, updatedAt: now }));
    await this.outbox.enqueue(manager, events);
    await this.notifications.record(manager, from.before, next);
    return next;
  }
}
