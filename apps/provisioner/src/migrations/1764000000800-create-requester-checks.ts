import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/**
 * When the reconciliation last read each requester's status in Okta: a round reads a few people,
 * those checked longest ago first, so the directory is covered within a bounded share of Okta's
 * rate limit however many people have requests open.
 */
export class CreateRequesterChecks1764000000800 implements MigrationInterface {
  name = 'CreateRequesterChecks1764000000800';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE ${tableOf(runner.manager, 'requester_checks')} (
      login text PRIMARY KEY,
      checked_at timestamptz NOT NULL
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'requester_checks')}`);
  }
}
