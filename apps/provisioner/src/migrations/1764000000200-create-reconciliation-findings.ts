import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/** What the reconciliation loop found in Okta and did about it. */
export class CreateReconciliationFindings1764000000200 implements MigrationInterface {
  name = 'CreateReconciliationFindings1764000000200';

  async up(runner: QueryRunner): Promise<void> {
    const table = tableOf(runner.manager, 'reconciliation_findings');
    await runner.query(`CREATE TABLE ${table} (
      id bigserial PRIMARY KEY,
      kind text NOT NULL,
      okta_group_id text NOT NULL,
      okta_user_id text,
      login text NOT NULL,
      request_id uuid,
      action text NOT NULL,
      found_at timestamptz NOT NULL
    )`);
    await runner.query(`CREATE INDEX reconciliation_findings_by_time ON ${table} (found_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'reconciliation_findings')}`);
  }
}
