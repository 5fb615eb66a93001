import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/** The approval service's first tables. */
export class CreateApprovals1764000000100 implements MigrationInterface {
  name = 'CreateApprovals1764000000100';

  async up(runner: QueryRunner): Promise<void> {
    const t = (table: string): string => tableOf(runner.manager, table);
    for (const statement of [
      `CREATE TABLE ${t('approvals')} (
      request_id uuid PRIMARY KEY,
      requester text NOT NULL,
      application jsonb NOT NULL,
      duration_seconds integer NOT NULL,
      justification text NOT NULL,
      state text NOT NULL CHECK (state IN ('pending', 'approved', 'denied', 'cancelled')),
      stage integer NOT NULL DEFAULT 0,
      stages jsonb NOT NULL DEFAULT '[]',
      approvers jsonb NOT NULL DEFAULT '[]',
      decisions jsonb NOT NULL DEFAULT '[]',
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`,
      `CREATE INDEX approvals_state ON ${t('approvals')} (state, created_at)`,
      // "What is waiting for me" looks approvals up by one of their current approvers.
      `CREATE INDEX approvals_approvers ON ${t('approvals')} USING gin (approvers jsonb_path_ops)`,
    ]) {
      await runner.query(statement);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'approvals')}`);
  }
}
