import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock, tableOf } from '@jit/events';
import { PeriodicTask, SERVICE_CONFIG } from '@jit/platform';
import type { ApprovalConfig } from '../config.js';
import { NotificationOutbox } from '../notifications/notification-outbox.js';
import { expiryNoticeOf, reminderNoticesOf } from '../notifications/notices.js';
import { ApprovalRecord, approvalOf } from './approval.entity.js';
import { Approvals } from './approvals.js';
import { APPROVAL_REMINDER, APPROVAL_TIMEOUT, EXPIRY_NOTICE, remindersChannel } from './reminders.js';

/** Reminders fired per tick at most. */
const BATCH = 50;

interface DueReminder {
  request_id: string;
  kind: string;
}

/**
 * Fires the reminders whose time the service's clock has reached: a pending request's reminder
 * (its approvers are reminded and the stage escalated), its TTL (denied `approval_timeout`), and
 * the requester's pre-expiry notice. Each fires in a short transaction of its own that locks the
 * approval first, as every change of an approval does, then claims the reminder, so two replicas
 * never fire one twice and never wait on each other in a circle. No chat call happens here.
 */
@Injectable()
export class ReminderLoop extends PeriodicTask {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly approvals: Approvals,
    private readonly outbox: NotificationOutbox,
    @Inject(SERVICE_CONFIG) private readonly config: ApprovalConfig,
  ) {
    super();
    this.wakeOnAnnouncements(dataSource, remindersChannel(dataSource), clock);
  }

  protected get intervalMs(): number {
    return this.config.REMINDER_TICK_MS;
  }

  protected override async msUntilNextDue(): Promise<number | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT min(due_at) AS next FROM ${tableOf(this.dataSource, 'reminders')} WHERE state = 'pending'`,
    )) as { next: Date | null }[];
    return row?.next ? row.next.getTime() - this.clock.now().getTime() : undefined;
  }

  async tick(): Promise<number> {
    const now = this.clock.now();
    const due = (await this.dataSource.query(
      `SELECT request_id, kind FROM ${tableOf(this.dataSource, 'reminders')} WHERE state = 'pending' AND due_at <= $1 ORDER BY due_at LIMIT ${BATCH}`,
      [now],
    )) as DueReminder[];
    for (const reminder of due) {
      if (!this.running) break;
      await this.dataSource.transaction((manager) => this.fire(manager, reminder, now));
    }
    return due.length;
  }

  private async fire(manager: EntityManager, { request_id: requestId, kind }: DueReminder, now: Date): Promise<void> {
    const record = await manager.getRepository(ApprovalRecord).findOne({ where: { requestId }, lock: { mode: 'pessimistic_write' } });
    const [, claimed] = (await manager.query(
      `UPDATE ${tableOf(manager, 'reminders')} SET state = 'fired', fired_at = $3
       WHERE request_id = $1 AND kind = $2 AND state = 'pending' AND due_at <= $3`,
      [requestId, kind, now],
    )) as [unknown, number];
    if (!claimed || !record) return;
    const approval = approvalOf(record);
    switch (kind) {
      case EXPIRY_NOTICE: {
        const notice = expiryNoticeOf(approval);
        if (notice) await this.outbox.enqueue(manager, requestId, [notice]);
        return;
      }
      case APPROVAL_REMINDER: {
        const [timeout] = (await manager.query(`SELECT due_at FROM ${tableOf(manager, 'reminders')} WHERE request_id = $1 AND kind = $2`, [
          requestId,
          APPROVAL_TIMEOUT,
        ])) as { due_at: Date }[];
        await this.outbox.enqueue(manager, requestId, reminderNoticesOf(approval, timeout?.due_at.toISOString()));
        await this.approvals.escalate(requestId, manager);
        return;
      }
      case APPROVAL_TIMEOUT:
        await this.approvals.timeOut(requestId, manager);
        return;
      default:
        this.logger.warn({ requestId, kind }, 'unknown reminder fired; ignored');
    }
  }
}
