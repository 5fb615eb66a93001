import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An event a consumer has applied; written in the same transaction as the handler's effect. */
@Entity({ name: 'inbox' })
export class ProcessedEvent {
  @PrimaryColumn('text')
  consumer: string;

  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType: string;

  @Column({ name: 'stream_seq', type: 'bigint' })
  streamSeq: string;

  @Column({ name: 'processed_at', type: 'timestamptz', default: () => 'now()' })
  processedAt: Date;
}
