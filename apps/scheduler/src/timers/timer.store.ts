import type { EntityManager } from 'typeorm';
import { tableOf } from '@jit/events';
import type { Timer, TimerStatus } from './timer.decider.js';

interface TimerRow {
  request_id: string;
  fires_at: Date;
  status: TimerStatus;
  fired_at: Date | null;
}

function toTimer(row: TimerRow): Timer {
  return {
    requestId: row.request_id,
    firesAt: new Date(row.fires_at),
    status: row.status,
    ...(row.fired_at ? { firedAt: new Date(row.fired_at) } : {}),
  };
}

/** Loads a request's timer and locks it for the rest of the transaction. */
export async function loadTimerForUpdate(manager: EntityManager, requestId: string): Promise<Timer | undefined> {
  const rows: TimerRow[] = await manager.query(`SELECT * FROM ${tableOf(manager, 'timers')} WHERE request_id = $1 FOR UPDATE`, [requestId]);
  return rows[0] && toTimer(rows[0]);
}

/**
 * Claims up to `limit` due timers for this transaction. `SKIP LOCKED` lets replicas tick at the
 * same time: each sees only the timers no other transaction holds, so none fires twice.
 */
export async function claimDueTimers(manager: EntityManager, now: Date, limit: number): Promise<Timer[]> {
  const rows: TimerRow[] = await manager.query(
    `SELECT * FROM ${tableOf(manager, 'timers')}
     WHERE status = 'pending' AND fires_at <= $1
     ORDER BY fires_at
     LIMIT $2
     FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows.map(toTimer);
}

/** Inserts or updates a timer. */
export async function saveTimer(manager: EntityManager, timer: Timer, now: Date): Promise<void> {
  await manager.query(
    `INSERT INTO ${tableOf(manager, 'timers')} (request_id, fires_at, status, fired_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (request_id) DO UPDATE SET fires_at = $2, status = $3, fired_at = $4, updated_at = $5`,
    [timer.requestId, timer.firesAt, timer.status, timer.firedAt ?? null, now],
  );
}
