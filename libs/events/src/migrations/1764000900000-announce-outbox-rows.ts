import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createAnnouncingTrigger, dropAnnouncingTrigger } from '../notify/announcing-trigger.js';
import { outboxChannel, schemaOf } from '../schema.js';

/**
 * Every outbox insert announces itself to the relay by a statement-level trigger, not by a
 * `pg_notify` the service sends after it: one statement less per transaction that publishes.
 */
export class AnnounceOutboxRows1764000900000 implements MigrationInterface {
  name = 'AnnounceOutboxRows1764000900000';

  async up(runner: QueryRunner): Promise<void> {
    await createAnnouncingTrigger(runner, {
      table: 'outbox',
      on: 'INSERT',
      channel: outboxChannel(schemaOf(runner.manager)),
      name: 'outbox',
    });
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropAnnouncingTrigger(runner, { table: 'outbox', name: 'outbox' });
  }
}
