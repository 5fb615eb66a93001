import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/**
 * Signed checkpoints of the chain's head and the record of every auditor query, both append-only
 * like the events; the `requests` projection the queries read (rebuilt from the events at will, so
 * it is the one table the service's role may update); and the index the completeness check walks.
 */
export class EvidenceAndProjections1764000000300 implements MigrationInterface {
  name = 'EvidenceAndProjections1764000000300';

  async up(runner: QueryRunner): Promise<void> {
    const table = (name: string): string => tableOf(runner.manager, name);
    const schema = table('audit_events').split('.')[0];
    await runner.query(`CREATE UNIQUE INDEX audit_by_stream_seq ON ${table('audit_events')} (stream_seq)`);
    await runner.query(`CREATE TABLE ${table('checkpoints')} (
      id bigserial PRIMARY KEY,
      position bigint NOT NULL,
      stream_seq bigint NOT NULL,
      hash text NOT NULL,
      signed_at timestamptz NOT NULL,
      key_id text NOT NULL,
      public_key text NOT NULL,
      signature text NOT NULL
    )`);
    await runner.query(`CREATE TABLE ${table('auditor_queries')} (
      id bigserial PRIMARY KEY,
      asked_at timestamptz NOT NULL,
      who text NOT NULL,
      via text,
      route text NOT NULL,
      query jsonb NOT NULL
    )`);
    for (const name of ['checkpoints', 'auditor_queries']) {
      await runner.query(`CREATE TRIGGER ${name}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table(name)}
        FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.audit_events_append_only()`);
    }
    await runner.query(`CREATE TABLE ${table('requests')} (
  request_id text PRIMARY KEY,
  requester text,
  application_id text,
  status text NOT NULL,
  requested_at timestamptz,
  granted_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  revoke_reason text,
  last_seq bigint NOT NULL
    )`);
    await runner.query(`CREATE INDEX requests_lingering ON ${table('requests')} (expires_at) WHERE status = 'granted'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const name of ['requests', 'auditor_queries', 'checkpoints']) await runner.query(`DROP TABLE ${tableOf(runner.manager, name)}`);
    await runner.query(`DROP INDEX ${tableOf(runner.manager, 'audit_by_stream_seq')}`);
  }
}
