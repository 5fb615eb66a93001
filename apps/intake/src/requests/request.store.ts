import type { EntityManager } from 'typeorm';
import { announce, tableOf, workChannel, type StateChange, type StateStore } from '@jit/events';
import { sameState, type RequestState, type RequestStatus } from './request.decider.js';
import { columnsOf, recordOfRow, sqlColumnsOf, stateOf } from './request.entity.js';

/** The statuses in which a request no longer counts as the open one of its requester for its application. */
const settledStatuses: ReadonlySet<RequestStatus> = new Set(['denied', 'cancelled', 'failed', 'revoked']);

/** The NOTIFY channel on which every committed change of a request is announced, for the callers waiting on one. */
export const REQUEST_CHANGES = 'request_changed';

/**
 * Keeps each request's state in its `requests` row, and announces each change when it commits. Every
 * submission and every event of a request passes here, so it writes its SQL itself: TypeORM's query
 * builder was a fifth of intake's CPU in a burst.
 */
export class RequestStore implements StateStore<RequestState> {
  async load(manager: EntityManager, requestId: string): Promise<RequestState> {
    const [row] = await manager.query(`SELECT * FROM ${tableOf(manager, 'requests')} WHERE id = $1 FOR UPDATE`, [requestId]);
    return row ? stateOf(recordOfRow(row)) : { recorded: false };
  }

  async save(manager: EntityManager, requestId: string, next: RequestState, { before, now }: StateChange<RequestState>): Promise<void> {
    if (!next.recorded || sameState(before, next)) return;
    const table = tableOf(manager, 'requests');
    if (before.recorded) {
      // Only ever cleared: a late `granted` after a cancel shows the access but takes no slot back, so it cannot clash.
      const slot = settledStatuses.has(next.status) ? { holdsOpenSlot: false } : {};
      const { names, values } = sqlColumnsOf({ ...columnsOf(next), ...slot, updatedAt: now });
      await manager.query(`UPDATE ${table} SET ${names.map((name, i) => `${name} = $${i + 2}`).join(', ')} WHERE id = $1`, [
        requestId,
        ...values,
      ]);
    } else {
      // A submission claims the open slot itself (SubmissionReplay.claim); a replayed `requested` never does, so it cannot clash.
      const { names, values } = sqlColumnsOf({
        id: requestId,
        idempotencyKey: null,
        holdsOpenSlot: false,
        updatedAt: now,
        ...columnsOf(next),
      });
      await manager.query(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`, values);
    }
    await announce(manager, workChannel(manager, REQUEST_CHANGES));
  }
}
