import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/** A refused auditor query is recorded too: `refusal` says why (`{ status, reason }`), null for a query that was answered. */
export class RefusedAuditorQueries1764000000600 implements MigrationInterface {
  name = 'RefusedAuditorQueries1764000000600';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ${tableOf(runner.manager, 'auditor_queries')} ADD COLUMN refusal jsonb`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ${tableOf(runner.manager, 'auditor_queries')} DROP COLUMN refusal`);
  }
}
