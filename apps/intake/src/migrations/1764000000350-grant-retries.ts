import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/**
 * A grant being retried shows like a revocation being retried: the column holds either, saying which
 * (`action`). Rows from before held only revocations.
 */
export class GrantRetries1764000000350 implements MigrationInterface {
  name = 'GrantRetries1764000000350';

  async up(runner: QueryRunner): Promise<void> {
    const requests = tableOf(runner.manager, 'requests');
    await runner.query(`ALTER TABLE ${requests} RENAME COLUMN revoke_retry TO retry`);
    await runner.query(`UPDATE ${requests} SET retry = retry || '{"action": "revoke", "nextAttemptAt": null}' WHERE retry IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const requests = tableOf(runner.manager, 'requests');
    await runner.query(`UPDATE ${requests} SET retry = NULL WHERE retry->>'action' = 'grant'`);
    await runner.query(`UPDATE ${requests} SET retry = retry - 'action' - 'nextAttemptAt' WHERE retry IS NOT NULL`);
    await runner.query(`ALTER TABLE ${requests} RENAME COLUMN retry TO revoke_retry`);
  }
}
