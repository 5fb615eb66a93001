import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, tableOf } from '@jit/events';
import { PeriodicTask, SERVICE_CONFIG } from '@jit/platform';
import { ApprovalRecord, approvalOf } from '../approvals/approval.entity.js';
import type { ApprovalConfig } from '../config.js';
import { EXPIRY_NOTICE, NotificationOutbox } from './notification-outbox.js';
import { expiryNoticeOf } from './notices.js';

/** Reminders fired per tick at most. */
const BATCH = 50;

interface DueReminder {
  request_id: string;
  kind: string;
}

/**
 * Fires the reminders whose time the service's clock has reached: each becomes a notice in the
 * notification outbox in the same short transaction that marks it fired (rows claimed with
 * `FOR UPDATE SKIP LOCKED`, so two replicas never fire one twice). No chat call happens here; the
 * relay sends the notice.
 */
@Injectable()
export class ReminderLoop extends PeriodicTask {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly outbox: NotificationOutbox,
    @Inject(SERVICE_CONFIG) private readonly config: ApprovalConfig,
  ) {
    super();
  }

  protected get intervalMs(): number {
    return this.config.SLACK_NOTIFY_TICK_MS;
  }

  async tick(): Promise<number> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const reminders = tableOf(manager, 'reminders');
      const due = (await manager.query(
        `SELECT request_id, kind FROM ${reminders} WHERE state = 'pending' AND due_at <= $1 ORDER BY due_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        [now],
      )) as DueReminder[];
      for (const reminder of due) {
        const record = await manager.getRepository(ApprovalRecord).findOneBy({ requestId: reminder.request_id });
        if (record && reminder.kind === EXPIRY_NOTICE) {
          const notice = expiryNoticeOf(approvalOf(record));
          if (notice) await this.outbox.enqueue(manager, reminder.request_id, [notice]);
        }
        await manager.query(`UPDATE ${reminders} SET state = 'fired', fired_at = $3 WHERE request_id = $1 AND kind = $2`, [
          reminder.request_id,
          reminder.kind,
          now,
        ]);
      }
      return due.length;
    });
  }
}
