import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/**
 * One open request per person and application, held by a unique index (two concurrent submissions
 * cannot both pass a check). A request holds its slot from submission until it settles (denied,
 * cancelled, failed, revoked); the slot is never taken back, so a late event can never make a
 * status update fail. Rows from before: the newest open request of each pair takes the slot.
 */
export class OneOpenRequestPerApplication1764000000200 implements MigrationInterface {
  name = 'OneOpenRequestPerApplication1764000000200';

  async up(runner: QueryRunner): Promise<void> {
    const requests = tableOf(runner.manager, 'requests');
    for (const statement of [
      `ALTER TABLE ${requests} ADD COLUMN holds_open_slot boolean NOT NULL DEFAULT false`,
      `UPDATE ${requests} SET holds_open_slot = true WHERE id IN (
         SELECT DISTINCT ON (requester, application_id) id FROM ${requests}
         WHERE status IN ('pending', 'approved', 'granted') ORDER BY requester, application_id, created_at DESC)`,
      `CREATE UNIQUE INDEX requests_one_open_per_application ON ${requests} (requester, application_id) WHERE holds_open_slot`,
    ]) {
      await runner.query(statement);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ${tableOf(runner.manager, 'requests')} DROP COLUMN holds_open_slot`);
  }
}
