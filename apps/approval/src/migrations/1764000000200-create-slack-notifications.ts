import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/** The Slack notification outbox and the approval messages posted in Slack. */
export class CreateSlackNotifications1764000000200 implements MigrationInterface {
  name = 'CreateSlackNotifications1764000000200';

  async up(runner: QueryRunner): Promise<void> {
    const t = (table: string): string => tableOf(runner.manager, table);
    for (const statement of [
      // Written in the transaction of the approval change it reports, sent to Slack after commit.
      `CREATE TABLE ${t('slack_notifications')} (
      id bigserial PRIMARY KEY,
      request_id uuid NOT NULL,
      notice jsonb NOT NULL,
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      done_at timestamptz
    )`,
      `CREATE INDEX slack_notifications_due ON ${t('slack_notifications')} (next_attempt_at) WHERE state = 'pending'`,
      // Notices of one request are sent in order: an update waits for the question it answers.
      `CREATE INDEX slack_notifications_request ON ${t('slack_notifications')} (request_id, id) WHERE state = 'pending'`,
      `CREATE TABLE ${t('slack_messages')} (
      request_id uuid NOT NULL,
      stage integer NOT NULL,
      approver text NOT NULL,
      channel text NOT NULL,
      ts text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (request_id, stage, approver)
    )`,
    ]) {
      await runner.query(statement);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'slack_messages')}`);
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'slack_notifications')}`);
  }
}
