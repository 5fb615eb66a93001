import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/**
 * An application's or a requester's events within a time window: on a store of a million events the
 * (application, position) index made Postgres walk every event of the application to find one day's.
 */
export class TimeWindowIndexes1764000000400 implements MigrationInterface {
  name = 'TimeWindowIndexes1764000000400';

  async up(runner: QueryRunner): Promise<void> {
    const table = tableOf(runner.manager, 'audit_events');
    await runner.query(`CREATE INDEX audit_by_application_time ON ${table} (application_id, occurred_at)`);
    await runner.query(`CREATE INDEX audit_by_requester_time ON ${table} (lower(requester), occurred_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const schema = tableOf(runner.manager, 'audit_events').split('.')[0];
    await runner.query(`DROP INDEX ${schema}.audit_by_requester_time`);
    await runner.query(`DROP INDEX ${schema}.audit_by_application_time`);
  }
}
