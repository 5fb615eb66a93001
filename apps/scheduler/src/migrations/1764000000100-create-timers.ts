import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/** The scheduler service's first tables. */
export class CreateTimers1764000000100 implements MigrationInterface {
  name = 'CreateTimers1764000000100';

  async up(runner: QueryRunner): Promise<void> {
    const t = (table: string): string => tableOf(runner.manager, table);
    for (const statement of [
      `CREATE TABLE ${t('timers')} (
      request_id uuid PRIMARY KEY,
      fires_at timestamptz NOT NULL,
      status text NOT NULL,
      fired_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`,
      `CREATE INDEX timers_due ON ${t('timers')} (fires_at) WHERE status = 'pending'`,
    ]) {
      await runner.query(statement);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'timers')}`);
  }
}
