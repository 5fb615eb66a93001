import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/**
 * The extension and justification policy each request was made under (from its `requested`
 * snapshot), and the latest extension asked for. Rows from before allowed no extension.
 */
export class Extensions1764000000500 implements MigrationInterface {
  name = 'Extensions1764000000500';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE ${tableOf(runner.manager, 'requests')} ADD COLUMN policy jsonb NOT NULL DEFAULT '{}', ADD COLUMN extension jsonb`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ${tableOf(runner.manager, 'requests')} DROP COLUMN policy, DROP COLUMN extension`);
  }
}
