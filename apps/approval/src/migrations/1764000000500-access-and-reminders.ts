import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/**
 * What became of an approved request's access (so the requester is told of the grant, its end and
 * its failure), the extensions asked for, what each stage needs (N approvals, an escalation
 * target), whose DM each notice goes to, and the reminders due at a time of the service's clock (the pre-expiry notice).
 */
export class AccessAndReminders1764000000500 implements MigrationInterface {
  name = 'AccessAndReminders1764000000500';

  async up(runner: QueryRunner): Promise<void> {
    const t = (table: string): string => tableOf(runner.manager, table);
    for (const statement of [
      `ALTER TABLE ${t('approvals')} ADD COLUMN access jsonb, ADD COLUMN extensions jsonb NOT NULL DEFAULT '[]', ADD COLUMN stage_policies jsonb`,
      // One reminder of each kind per request: moving it (an extension) replaces its time.
      `CREATE TABLE ${t('reminders')} (
      request_id uuid NOT NULL,
      kind text NOT NULL,
      due_at timestamptz NOT NULL,
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'fired')),
      fired_at timestamptz,
      PRIMARY KEY (request_id, kind)
    )`,
      `CREATE INDEX reminders_due ON ${t('reminders')} (due_at) WHERE state = 'pending'`,
      // Whose DM a notice goes to, so a rate limit on one person's channel holds their queue and nobody else's.
      `ALTER TABLE ${t('notifications')} ADD COLUMN recipient text`,
      `CREATE INDEX notifications_recipient ON ${t('notifications')} (recipient) WHERE state = 'pending'`,
    ]) {
      await runner.query(statement);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ${tableOf(runner.manager, 'notifications')} DROP COLUMN recipient`);
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'reminders')}`);
    await runner.query(
      `ALTER TABLE ${tableOf(runner.manager, 'approvals')} DROP COLUMN access, DROP COLUMN extensions, DROP COLUMN stage_policies`,
    );
  }
}
