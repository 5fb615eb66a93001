import type { DataSource, EntityManager } from 'typeorm';
import { DEFAULT_PRE_EXPIRY_NOTICE_SECONDS, announce, tableOf, workChannel } from '@jit/events';
import { EXPIRY_NOTICE, dropReminders, remindAt } from '../approvals/reminders.js';
import { isApproval, type Approval, type ApprovalState } from '../approvals/approval.decider.js';
import { noticesOf, type Notice } from './notices.js';

/** Where recorded notices are announced, so the relay sends them at once rather than at its next poll. */
export function noticesChannel(source: DataSource | EntityManager): string {
  return workChannel(source, 'notifications');
}

/**
 * The notification outbox: what an approval change should tell people is recorded in the
 * transaction of the change, and sent by `NotificationRelay` once it committed, so a chat outage
 * never fails, blocks or rolls back an approval. What falls due later (the pre-expiry notice) is
 * kept as a reminder, which the reminder loop turns into a notice when the service's clock reaches it.
 */
export class NotificationOutbox {
  /** @param enabled false when no chat is configured: then there is nothing to record. */
  constructor(private readonly enabled: boolean) {}

  /** Records the notices of an approval going from `before` to `after`, and moves its reminders, in the caller's transaction. */
  async record(manager: EntityManager, before: ApprovalState, after: Approval): Promise<void> {
    if (!this.enabled) return;
    await this.enqueue(manager, after.requestId, noticesOf(before, after));
    await this.remind(manager, isApproval(before) ? before : undefined, after);
  }

  /** Records notices to send, in order, in the caller's transaction. */
  async enqueue(manager: EntityManager, requestId: string, notices: Notice[]): Promise<void> {
    if (!this.enabled || notices.length === 0) return;
    await manager.query(
      `INSERT INTO ${tableOf(manager, 'notifications')} (request_id, notice, recipient)
       SELECT $1, n.value, r.recipient
       FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS n (value, i)
       JOIN unnest($3::text[]) WITH ORDINALITY AS r (recipient, j) ON n.i = r.j
       ORDER BY n.i`,
      [requestId, JSON.stringify(notices), notices.map(recipientOf)],
    );
    await announce(manager, noticesChannel(manager));
  }

  /** A grant (or a new expiry) sets the pre-expiry reminder; an end, or a grant that never came, drops it. */
  private async remind(manager: EntityManager, before: Approval | undefined, after: Approval): Promise<void> {
    const access = after.access;
    if (access?.state !== 'granted') {
      if (before?.access?.state === 'granted') await dropReminders(manager, after.requestId, [EXPIRY_NOTICE]);
      return;
    }
    const was = before?.access;
    if (was?.state === 'granted' && was.expiresAt === access.expiresAt) return;
    const noticeSeconds = after.application.preExpiryNoticeSeconds ?? DEFAULT_PRE_EXPIRY_NOTICE_SECONDS;
    // A grant shorter than the notice is warned at once, right after it is told of the grant.
    const dueAt = new Date(Date.parse(access.expiresAt) - noticeSeconds * 1000);
    await remindAt(manager, after.requestId, EXPIRY_NOTICE, dueAt);
  }
}

/** Whose DM a notice goes to; none for the outcome of a stage, which rewrites the messages of several people. */
function recipientOf(notice: Notice): string | null {
  switch (notice.kind) {
    case 'ask':
      return notice.approver;
    case 'tell':
    case 'amend':
      return notice.login;
    case 'update':
      return null;
    default: {
      const _exhaustive: never = notice;
      return _exhaustive;
    }
  }
}
