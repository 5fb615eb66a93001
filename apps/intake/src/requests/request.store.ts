import type { EntityManager } from 'typeorm';
import type { StateChange, StateStore } from '@jit/events';
import { sameState, type RequestState } from './request.decider.js';
import { RequestRecord, columnsOf, stateOf } from './request.entity.js';

/** Keeps each request's state in its `requests` row. */
export class RequestStore implements StateStore<RequestState> {
  async load(manager: EntityManager, requestId: string): Promise<RequestState> {
    const record = await manager.findOne(RequestRecord, { where: { id: requestId }, lock: { mode: 'pessimistic_write' } });
    return record ? stateOf(record) : { recorded: false };
  }

  async save(manager: EntityManager, requestId: string, next: RequestState, { before, now }: StateChange<RequestState>): Promise<void> {
    if (!next.recorded || sameState(before, next)) return;
    if (before.recorded) {
      await manager.update(RequestRecord, { id: requestId }, { ...columnsOf(next), updatedAt: now });
    } else {
      await manager.insert(RequestRecord, { id: requestId, idempotencyKey: null, updatedAt: now, ...columnsOf(next) });
    }
  }
}
