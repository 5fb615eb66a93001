import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/** The audit service's first tables. */
export class CreateAuditEvents1764000000100 implements MigrationInterface {
  name = 'CreateAuditEvents1764000000100';

  async up(runner: QueryRunner): Promise<void> {
    const t = (table: string): string => tableOf(runner.manager, table);
    for (const statement of [
      `CREATE TABLE ${t('audit_events')} (
      stream_seq bigint PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE,
      type text NOT NULL,
      request_id text NOT NULL,
      actor text NOT NULL,
      requester text,
      application_id text,
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      event jsonb NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL
    )`,
      `CREATE INDEX audit_by_request ON ${t('audit_events')} (request_id, stream_seq)`,
      `CREATE INDEX audit_by_type_time ON ${t('audit_events')} (type, occurred_at)`,
    ]) {
      await runner.query(statement);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'audit_events')}`);
  }
}
