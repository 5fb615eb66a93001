import type { EntityManager } from 'typeorm';
import { EntityRows, type StateChange, type StateStore } from '@jit/events';
import { sameState, type RequestState, type RequestStatus } from './request.decider.js';
import { RequestRecord, columnsOf, stateOf } from './request.entity.js';

/** The statuses in which a request no longer counts as the open one of its requester for its application. */
const settledStatuses: ReadonlySet<RequestStatus> = new Set(['denied', 'cancelled', 'failed', 'revoked']);

/**
 * Keeps each request's state in its `requests` row; each change announces itself when it commits (a
 * trigger: AnnounceRequestChanges1764000000600). Every
 * submission and every event of a request passes here, so it writes its SQL itself (`EntityRows`):
 * TypeORM's query builder was a fifth of intake's CPU in a burst.
 */
export class RequestStore implements StateStore<RequestState> {
  private readonly rows = new EntityRows(RequestRecord);

  async load(manager: EntityManager, requestId: string): Promise<RequestState> {
    const record = await this.rows.lockOne(manager, 'id', requestId);
    return record ? stateOf(record) : { recorded: false };
  }

  async save(manager: EntityManager, requestId: string, next: RequestState, { before, now }: StateChange<RequestState>): Promise<void> {
    if (!next.recorded || sameState(before, next)) return;
    if (before.recorded) {
      // Only ever cleared: a late `granted` after a cancel shows the access but takes no slot back, so it cannot clash.
      const slot = settledStatuses.has(next.status) ? { holdsOpenSlot: false } : {};
      await this.rows.update(manager, 'id', requestId, { ...columnsOf(next), ...slot, updatedAt: now });
    } else {
      // A submission claims the open slot itself (SubmissionReplay.claim); a replayed `requested` never does, so it cannot clash.
      await this.rows.insert(manager, { id: requestId, idempotencyKey: null, holdsOpenSlot: false, updatedAt: now, ...columnsOf(next) });
    }
  }
}
