import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/**
 * Where a request is: the approval's stages and the steps approved so far, the grant's ticket, and a
 * revocation being retried, folded from approval's and the provisioner's events into intake's own
 * row. Rows from before start with none of it and fill in from the events that come next.
 */
export class WhereARequestIs1764000000300 implements MigrationInterface {
  name = 'WhereARequestIs1764000000300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE ${tableOf(runner.manager, 'requests')}
         ADD COLUMN approval_stages jsonb,
         ADD COLUMN approvals jsonb NOT NULL DEFAULT '[]',
         ADD COLUMN ticket_key text,
         ADD COLUMN revoke_retry jsonb`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE ${tableOf(runner.manager, 'requests')}
         DROP COLUMN approval_stages, DROP COLUMN approvals, DROP COLUMN ticket_key, DROP COLUMN revoke_retry`,
    );
  }
}
