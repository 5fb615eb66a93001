import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EntityRows, type StateChange, type StateStore } from '@jit/events';
import { NotificationOutbox } from '../notifications/notification-outbox.js';
import { approvalDecider, isApproval, type ApprovalState } from './approval.decider.js';
import { ApprovalRecord, approvalOf, recordOf } from './approval.entity.js';
import { schedulePending } from './reminders.js';

/**
 * Approvals in the `approvals` table, one row per opened approval. Saving also records what the
 * change should tell people and moves its reminders, in the same transaction, so a notice or a
 * reminder exists exactly when its change does. Every event of a request passes here, so the row is
 * read and written with plain SQL (`EntityRows`), not through TypeORM's query builder.
 */
@Injectable()
export class ApprovalStore implements StateStore<ApprovalState> {
  private readonly rows = new EntityRows(ApprovalRecord);

  constructor(private readonly notifications: NotificationOutbox) {}

  /** The row is locked until the transaction ends, so of two concurrent decisions the second sees the first's outcome. */
  async load(manager: EntityManager, requestId: string): Promise<ApprovalState> {
    const record = await this.rows.lockOne(manager, 'requestId', requestId);
    return record ? approvalOf(record) : approvalDecider.initialState;
  }

  async save(manager: EntityManager, requestId: string, next: ApprovalState, { before, now }: StateChange<ApprovalState>): Promise<void> {
    // Every accepted command leaves an approval: opening resolves one at once, every other command needs one.
    if (!isApproval(next)) throw new Error(`request ${requestId}: only an opened approval is stored, not one in state ${next.state}`);
    if (isApproval(before)) {
      const { state, stage, stages, approvers, decisions, access, extensions } = next;
      const changed = { state, stage, stages, approvers, decisions, access: access ?? null, extensions: extensions ?? [] };
      await this.rows.update(manager, 'requestId', requestId, { ...changed, stagePolicies: next.stagePolicies ?? null, updatedAt: now });
    } else {
      await this.rows.insert(manager, recordOf(next, { createdAt: now, updatedAt: now }));
    }
    await schedulePending(manager, before, next, now);
    await this.notifications.record(manager, before, next);
  }
}
