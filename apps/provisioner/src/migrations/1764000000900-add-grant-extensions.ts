import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/**
 * Who approved a grant's latest extension (its new expiry is `expires_at`), and the expiry the
 * Jira ticket last said it was extended to, so the ticket loop comments on each extension once.
 */
export class AddGrantExtensions1764000000900 implements MigrationInterface {
  name = 'AddGrantExtensions1764000000900';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE ${tableOf(runner.manager, 'grants')} ADD COLUMN extended_by text, ADD COLUMN ticket_extension_noted_to timestamptz`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ${tableOf(runner.manager, 'grants')} DROP COLUMN extended_by, DROP COLUMN ticket_extension_noted_to`);
  }
}
