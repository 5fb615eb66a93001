import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/**
 * When a notice was first claimed for sending: a notice claimed again (a failed attempt, or a lease
 * that ran out under a replica that died) may already be in the chat, so it is looked for there,
 * from that time on, before it is posted again.
 */
export class NoticeClaims1764000000600 implements MigrationInterface {
  name = 'NoticeClaims1764000000600';

  async up(runner: QueryRunner): Promise<void> {
    const notifications = tableOf(runner.manager, 'notifications');
    await runner.query(`ALTER TABLE ${notifications} ADD COLUMN first_claimed_at timestamptz`);
    // A pending notice tried (or claimed: its next attempt moved) before this column existed may have been posted already.
    await runner.query(
      `UPDATE ${notifications} SET first_claimed_at = created_at WHERE state = 'pending' AND (attempts > 0 OR next_attempt_at > created_at)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ${tableOf(runner.manager, 'notifications')} DROP COLUMN first_claimed_at`);
  }
}
