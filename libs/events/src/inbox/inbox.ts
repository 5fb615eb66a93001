import type { EntityManager } from 'typeorm';
import { tableOf } from '../schema.js';

/**
 * Records that `consumer` is applying `eventId`. Returns false when it already was, in which case
 * the caller must not apply it again. A concurrent delivery of the same event to another replica
 * blocks on the primary key until the first transaction ends, then sees the row.
 */
export async function claimEvent(
  manager: EntityManager,
  claim: { consumer: string; eventId: string; eventType: string; streamSeq: number },
): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `INSERT INTO ${tableOf(manager, 'inbox')} (consumer, event_id, event_type, stream_seq)
     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING event_id`,
    [claim.consumer, claim.eventId, claim.eventType, claim.streamSeq],
  );
  return rows.length === 1;
}

/** Whether `consumer` has applied `eventId` already (a read outside any transaction; the claim stays the guard). */
export async function isClaimed(manager: EntityManager, claim: { consumer: string; eventId: string }): Promise<boolean> {
  const rows: unknown[] = await manager.query(`SELECT 1 FROM ${tableOf(manager, 'inbox')} WHERE consumer = $1 AND event_id = $2`, [
    claim.consumer,
    claim.eventId,
  ]);
  return rows.length > 0;
}
