import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/** The append-only audit store: one row per event, each linked to the one before by a hash. */
export class CreateAuditEvents1764000000100 implements MigrationInterface {
  name = 'CreateAuditEvents1764000000100';

  async up(runner: QueryRunner): Promise<void> {
    const table = tableOf(runner.manager, 'audit_events');
    const schema = table.split('.')[0];
    await runner.query(`CREATE TABLE ${table} (
      position bigint PRIMARY KEY,
      stream_seq bigint NOT NULL,
      event_id uuid NOT NULL UNIQUE,
      type text NOT NULL,
      request_id text NOT NULL,
      actor text NOT NULL,
      requester text,
      application_id text,
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL,
      event jsonb NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL
    )`);
    await runner.query(`CREATE INDEX audit_by_request ON ${table} (request_id, stream_seq)`);
    await runner.query(`CREATE INDEX audit_by_requester ON ${table} (requester, position)`);
    await runner.query(`CREATE INDEX audit_by_application ON ${table} (application_id, position)`);
    await runner.query(`CREATE INDEX audit_by_type_time ON ${table} (type, occurred_at)`);
    // The store is append-only at the database too: any UPDATE or DELETE fails, whoever issues it.
    await runner.query(`CREATE FUNCTION ${schema}.audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$`);
    await runner.query(`CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.audit_events_append_only()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const table = tableOf(runner.manager, 'audit_events');
    await runner.query(`DROP TABLE ${table}`);
    await runner.query(`DROP FUNCTION ${table.split('.')[0]}.audit_events_append_only()`);
  }
}
