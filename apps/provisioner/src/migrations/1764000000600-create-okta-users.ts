import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/** The Okta user id of each login, looked up once and reused by later grants of the same person. */
export class CreateOktaUsers1764000000600 implements MigrationInterface {
  name = 'CreateOktaUsers1764000000600';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE ${tableOf(runner.manager, 'okta_users')} (
      login text PRIMARY KEY,
      okta_user_id text NOT NULL,
      resolved_at timestamptz NOT NULL
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'okta_users')}`);
  }
}
