import type { EntityManager } from 'typeorm';
import { assertPublishable } from '../contracts/decode.js';
import type { AccessEvent } from '../contracts/registry.js';
import { subjectFor, type Topology } from '../jetstream/topology.js';
import { tableOf } from '../schema.js';

/**
 * Records events to publish inside the caller's transaction, so the state change and its events
 * commit or roll back together. The relay publishes them after commit.
 */
export class Outbox {
  constructor(private readonly topology: Topology) {}

  /** Validates and stores `events` in the transaction `manager` belongs to. */
  async enqueue(manager: EntityManager, events: readonly AccessEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const event of events) assertPublishable(event);
    const values = events.map((_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`).join(', ');
    const params = events.flatMap((event) => [event.id, subjectFor(this.topology, event.type), event]);
    // The insert announces itself to the relay (a trigger: AnnounceOutboxRows1764000900000).
    await manager.query(`INSERT INTO ${tableOf(manager, 'outbox')} (id, subject, event) VALUES ${values}`, params);
  }
}
