import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf, tableOf } from '@jit/events';

/**
 * A finding is recorded once while it persists and marked resolved when it goes away, so a stray
 * member of a shared group is not written again every round; at most one open finding per member
 * of a group (or per overdue grant). The last round's report is kept for `GET /v1/reconciliations/latest`.
 */
export class TrackReconciliationFindings1764000000700 implements MigrationInterface {
  name = 'TrackReconciliationFindings1764000000700';

  async up(runner: QueryRunner): Promise<void> {
    const findings = tableOf(runner.manager, 'reconciliation_findings');
    for (const statement of [
      `ALTER TABLE ${findings} ADD COLUMN resolved_at timestamptz`,
      // Earlier rounds wrote a finding again every round: close them all, and the next round records what persists once.
      `UPDATE ${findings} SET resolved_at = found_at`,
      `CREATE UNIQUE INDEX reconciliation_findings_open ON ${findings}
         (kind, okta_group_id, COALESCE(okta_user_id, ''), COALESCE(request_id::text, '')) WHERE resolved_at IS NULL`,
      `CREATE TABLE ${tableOf(runner.manager, 'reconciliation_latest_round')} (
         id text PRIMARY KEY,
         started_at timestamptz NOT NULL,
         finished_at timestamptz NOT NULL,
         report jsonb NOT NULL
       )`,
    ]) {
      await runner.query(statement);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'reconciliation_latest_round')}`);
    await runner.query(`DROP INDEX "${schemaOf(runner.manager)}".reconciliation_findings_open`);
    await runner.query(`ALTER TABLE ${tableOf(runner.manager, 'reconciliation_findings')} DROP COLUMN resolved_at`);
  }
}
