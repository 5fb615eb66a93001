import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf, tableOf } from '@jit/events';

/**
 * Memberships are counted, not toggled: each grant says whether the Okta membership it stands on
 * was added by this system (`added`, written before the add is tried) or was there before any
 * grant (`preexisting`, in a shared group), and the grants of one person and group are found by
 * an index. Grants from before this migration added their memberships themselves.
 */
export class AddGrantMembership1764000000500 implements MigrationInterface {
  name = 'AddGrantMembership1764000000500';

  async up(runner: QueryRunner): Promise<void> {
    const grants = tableOf(runner.manager, 'grants');
    for (const statement of [
      `ALTER TABLE ${grants} ADD COLUMN membership text`,
      `UPDATE ${grants} SET membership = 'added' WHERE status IN ('granting', 'active', 'revoking', 'revoked')`,
      `CREATE INDEX grants_by_member ON ${grants} (okta_group_id, requester)`,
    ]) {
      await runner.query(statement);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "${schemaOf(runner.manager)}".grants_by_member`);
    await runner.query(`ALTER TABLE ${tableOf(runner.manager, 'grants')} DROP COLUMN membership`);
  }
}
