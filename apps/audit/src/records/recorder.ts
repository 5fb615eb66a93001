import { Controller } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Ctx, Payload } from '@nestjs/microservices';
import { Clock, EventContext, OnEvent, eventTypes, tableOf, type AccessEvent, type EventType } from '@jit/events';
import { GENESIS_HASH, linkHash } from '../chain/hash.js';
import { projectionList } from '../projections/replay.js';
import { applyEvent } from '../projections/projection.js';
import { sqlOf } from './sql.js';

/**
 * Appends every access event to the hash-chained store, exactly once (the inbox drops redeliveries).
 * It keeps the envelope as published, not as upcast for handlers: the chain covers what was on the stream.
 * The projections (`requests`, `grants`) fold the upcast event in the same transaction.
 */
@Controller()
export class Recorder {
  /** The chain's tail as each open transaction left it: events sharing a transaction extend it without reading it back. */
  private readonly tails = new WeakMap<EntityManager, { position: number; hash: string }>();

  constructor(private readonly clock: Clock) {}

  @OnEvent(...(eventTypes as [EventType, ...EventType[]]))
  async record(@Payload() event: AccessEvent, @Ctx() ctx: EventContext): Promise<void> {
    const { manager, delivery } = ctx;
    const table = tableOf(manager, 'audit_events');
    const tail = this.tails.get(manager) ?? (await this.lockedTail(manager, table));
    const [subject] = await manager.query(
      `SELECT requester, application_id FROM ${table} WHERE request_id = $1 AND requester IS NOT NULL LIMIT 1`,
      [event.requestId],
    );
    const position = tail.position + 1;
    const prevHash = tail.hash;
    const recordedAt = this.clock.now().toISOString();
    const published = delivery.published as AccessEvent;
    const hash = linkHash(prevHash, { position, streamSeq: delivery.streamSeq, recordedAt, event: published });
    const { requester, applicationId } = subjectOf(event, subject);
    await manager.query(
      `INSERT INTO ${table} (position, stream_seq, event_id, type, request_id, actor, requester, application_id, occurred_at, recorded_at, event, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        position,
        delivery.streamSeq,
        event.id,
        event.type,
        event.requestId,
        event.actor,
        requester,
        applicationId,
        event.occurredAt,
        recordedAt,
        published,
        prevHash,
        hash,
      ],
    );
    this.tails.set(manager, { position, hash });
    for (const projection of projectionList) await applyEvent(sqlOf(manager), projection, event, delivery.streamSeq, { events: table });
  }

  /** Takes the chain for this transaction and reads its tail. */
  private async lockedTail(manager: EntityManager, table: string): Promise<{ position: number; hash: string }> {
    // One writer extends the chain at a time, whatever the consumer's concurrency or replica count.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${table}.chain`]);
    const [tail] = await manager.query(`SELECT position, hash FROM ${table} ORDER BY position DESC LIMIT 1`);
    return tail ? { position: Number(tail.position), hash: tail.hash } : { position: 0, hash: GENESIS_HASH };
  }
}

/** Who and what an event is about: from its own data when it says, else from the request's earlier events. */
function subjectOf(
  event: AccessEvent,
  earlier?: { requester: string; application_id: string },
): { requester: string | null; applicationId: string | null } {
  switch (event.type) {
    case 'requested':
      return { requester: event.data.requester, applicationId: event.data.application.id };
    case 'granted':
      return { requester: event.data.requester, applicationId: event.data.applicationId };
    case 'approval_opened':
    case 'approval_escalated':
    case 'approved':
    case 'denied':
    case 'cancelled':
    case 'grant_retrying':
    case 'grant_failed':
    case 'expired':
    case 'revoke_requested':
    case 'revoked':
    case 'revoke_failed':
    case 'extension_requested':
    case 'extension_approved':
    case 'extension_denied':
    case 'extended':
    case 'ticket_opened':
    case 'ticket_closed':
      return { requester: earlier?.requester ?? null, applicationId: earlier?.application_id ?? null };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
