import type { DataSource, EntityManager } from 'typeorm';
import { DEFAULT_PENDING_TTL_SECONDS, announce, tableOf, workChannel } from '@jit/events';
import { isApproval, type Approval, type ApprovalState } from './approval.decider.js';

/** The kinds of reminder: a pending request's reminder (and escalation), its TTL, and the requester's pre-expiry notice. */
export const APPROVAL_REMINDER = 'approval_reminder';
export const APPROVAL_TIMEOUT = 'approval_timeout';
export const EXPIRY_NOTICE = 'expiry_notice';

/** When a pending request's approvers are reminded: as the snapshot says, else halfway to its TTL. */
export function reminderAfterSeconds(application: Approval['application']): number {
  const ttl = application.pendingTtlSeconds ?? DEFAULT_PENDING_TTL_SECONDS;
  return Math.min(application.reminderAfterSeconds ?? Math.floor(ttl / 2), ttl);
}

/** Where a reminder set or moved is announced, so the reminder loop sleeps until the next one is due. */
export function remindersChannel(source: DataSource | EntityManager): string {
  return workChannel(source, 'reminders');
}

/**
 * Sets a reminder due at `dueAt` (replacing one of the same kind), in the caller's transaction.
 * The approval row is locked first by every writer, so reminders never wait on each other in a circle.
 */
export async function remindAt(manager: EntityManager, requestId: string, kind: string, dueAt: Date): Promise<void> {
  await manager.query(
    `INSERT INTO ${tableOf(manager, 'reminders')} (request_id, kind, due_at) VALUES ($1, $2, $3)
     ON CONFLICT (request_id, kind) DO UPDATE SET due_at = EXCLUDED.due_at, state = 'pending', fired_at = NULL`,
    [requestId, kind, dueAt],
  );
  await announce(manager, remindersChannel(manager), dueAt);
}

/** Drops the pending reminders of these kinds. */
export async function dropReminders(manager: EntityManager, requestId: string, kinds: string[]): Promise<void> {
  await manager.query(`DELETE FROM ${tableOf(manager, 'reminders')} WHERE request_id = $1 AND kind = ANY($2) AND state = 'pending'`, [
    requestId,
    kinds,
  ]);
}

/**
 * A request that starts waiting for approval gets its reminder and its TTL, counted from `now`;
 * one that stops waiting (decided, cancelled, timed out) drops them.
 */
export async function schedulePending(manager: EntityManager, before: ApprovalState, after: Approval, now: Date): Promise<void> {
  const wasPending = isApproval(before) && before.state === 'pending';
  const isPending = after.state === 'pending';
  if (isPending && !wasPending) {
    const ttl = after.application.pendingTtlSeconds ?? DEFAULT_PENDING_TTL_SECONDS;
    await remindAt(manager, after.requestId, APPROVAL_REMINDER, new Date(now.getTime() + reminderAfterSeconds(after.application) * 1000));
    await remindAt(manager, after.requestId, APPROVAL_TIMEOUT, new Date(now.getTime() + ttl * 1000));
  }
  if (wasPending && !isPending) await dropReminders(manager, after.requestId, [APPROVAL_REMINDER, APPROVAL_TIMEOUT]);
}
