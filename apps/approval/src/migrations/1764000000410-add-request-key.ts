import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/** The API key a request came through, so that key can be refused when it tries to decide the request. */
export class AddRequestKey1764000000410 implements MigrationInterface {
  name = 'AddRequestKey1764000000410';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ${tableOf(runner.manager, 'approvals')} ADD COLUMN request_key text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ${tableOf(runner.manager, 'approvals')} DROP COLUMN request_key`);
  }
}
