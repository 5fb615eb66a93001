import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AccessEvent } from '../contracts/registry.js';

/** An event waiting to be published, written in the same transaction as the state change it reports. */
@Entity({ name: 'outbox' })
export class OutboxRecord {
  /** The event id, also the `Nats-Msg-Id` that lets JetStream drop a re-publish. */
  @PrimaryColumn('uuid')
  id: string;

  /** Insertion order; events are published in this order. */
  @Column({ type: 'bigint', generated: 'increment', insert: false, update: false })
  position: string;

  @Column('text')
  subject: string;

  @Column('jsonb')
  event: AccessEvent;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column('int', { default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;
}
