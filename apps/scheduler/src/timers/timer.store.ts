import type { DataSource, EntityManager } from 'typeorm';
import { announce, tableOf, workChannel, type StateStore } from '@jit/events';
import { timerDecider, type TimerState } from './timer.decider.js';

interface TimerRow {
  fires_at: Date;
  status: Exclude<TimerState['status'], 'none'>;
  fired_at: Date | null;
}

function toState(row: TimerRow): TimerState {
  const firesAt = new Date(row.fires_at);
  if (row.status === 'fired') return { status: 'fired', firesAt, firedAt: new Date(row.fired_at ?? firesAt) };
  return { status: row.status, firesAt };
}

/** The `timers` table: one row per request, locked for the rest of the transaction that loads it. */
export const timerStore: StateStore<TimerState> = {
  async load(manager, requestId) {
    const rows: TimerRow[] = await manager.query(
      `SELECT fires_at, status, fired_at FROM ${tableOf(manager, 'timers')} WHERE request_id = $1 FOR UPDATE`,
      [requestId],
    );
    return rows[0] ? toState(rows[0]) : timerDecider.initialState;
  },

  async save(manager, requestId, next, { now }) {
    // No row until a grant or a revocation is seen; the decider accepts nothing that leaves a timer at `none`.
    if (next.status === 'none') return;
    await manager.query(
      `INSERT INTO ${tableOf(manager, 'timers')} (request_id, fires_at, status, fired_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (request_id) DO UPDATE SET fires_at = $2, status = $3, fired_at = $4, updated_at = $5`,
      [requestId, next.firesAt, next.status, next.status === 'fired' ? next.firedAt : null, now],
    );
    // A timer armed or moved may now be the next one due: the loop recomputes its wait.
    if (next.status === 'pending') await announce(manager, timersChannel(manager), next.firesAt);
  },
};

/** The channel a committed timer change is announced on. */
export function timersChannel(source: DataSource | EntityManager): string {
  return workChannel(source, 'timers');
}

/** When the next pending timer fires, if any. */
export async function nextFiresAt(manager: EntityManager): Promise<Date | undefined> {
  const [row]: { next: Date | null }[] = await manager.query(
    `SELECT min(fires_at) AS next FROM ${tableOf(manager, 'timers')} WHERE status = 'pending'`,
  );
  return row?.next ? new Date(row.next) : undefined;
}

/**
 * Claims up to `limit` due timers for this transaction and returns their request ids. `SKIP LOCKED`
 * lets replicas tick at the same time: each sees only the timers no other transaction holds, so
 * none fires twice.
 */
export async function claimDueTimers(manager: EntityManager, now: Date, limit: number): Promise<string[]> {
  const rows: { request_id: string }[] = await manager.query(
    `SELECT request_id FROM ${tableOf(manager, 'timers')}
     WHERE status = 'pending' AND fires_at <= $1
     ORDER BY fires_at
     LIMIT $2
     FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows.map((row) => row.request_id);
}
