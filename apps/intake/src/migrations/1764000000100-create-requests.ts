import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/** The intake service's first tables. */
export class CreateRequests1764000000100 implements MigrationInterface {
  name = 'CreateRequests1764000000100';

  async up(runner: QueryRunner): Promise<void> {
    const t = (table: string): string => tableOf(runner.manager, table);
    for (const statement of [
      `CREATE TABLE ${t('requests')} (
      id uuid PRIMARY KEY,
      requester text NOT NULL,
      application_id text NOT NULL,
      duration_seconds integer NOT NULL,
      justification text NOT NULL,
      status text NOT NULL,
      reason text,
      idempotency_key text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      granted_at timestamptz,
      expires_at timestamptz,
      revoked_at timestamptz,
      revoke_requested_at timestamptz
    )`,
      `CREATE UNIQUE INDEX requests_idempotency ON ${t('requests')} (requester, idempotency_key) WHERE idempotency_key IS NOT NULL`,
      `CREATE INDEX requests_by_requester ON ${t('requests')} (requester, status)`,
      `CREATE INDEX requests_by_created ON ${t('requests')} (created_at DESC)`,
    ]) {
      await runner.query(statement);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'requests')}`);
  }
}
