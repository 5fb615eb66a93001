import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/**
 * Who is reconciling, until when: a lease row instead of a session advisory lock, so a round that
 * calls Okta for minutes holds no pooled connection, and a replica that dies mid-round is taken
 * over once its lease runs out.
 */
export class CreateReconciliationLease1764000000400 implements MigrationInterface {
  name = 'CreateReconciliationLease1764000000400';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE ${tableOf(runner.manager, 'reconciliation_lease')} (
      id text PRIMARY KEY,
      owner text NOT NULL,
      until timestamptz NOT NULL
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'reconciliation_lease')}`);
  }
}
