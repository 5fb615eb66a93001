import type { EntityManager } from 'typeorm';
import { tableOf } from '@jit/events';
import type { Approval, ApprovalState } from '../approvals/approval.decider.js';
import { noticesOf } from './notices.js';

/**
 * The notification outbox: what an approval change should tell people is recorded in the
 * transaction of the change, and sent by `NotificationRelay` once it committed, so a chat outage
 * never fails, blocks or rolls back an approval.
 */
export class NotificationOutbox {
  /** @param enabled false when no chat is configured: then there is nothing to record. */
  constructor(private readonly enabled: boolean) {}

  /** Records the notices of an approval going from `before` to `after`, in the caller's transaction. */
  async record(manager: EntityManager, before: ApprovalState, after: Approval): Promise<void> {
    if (!this.enabled) return;
    const notices = noticesOf(before, after);
    if (notices.length === 0) return;
    await manager.query(
      `INSERT INTO ${tableOf(manager, 'notifications')} (request_id, notice)
       SELECT $1, value FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY ORDER BY ordinality`,
      [after.requestId, JSON.stringify(notices)],
    );
  }
}
