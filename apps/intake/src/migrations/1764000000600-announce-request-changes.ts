import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createAnnouncingTrigger, dropAnnouncingTrigger, workChannel } from '@jit/events';
import { REQUEST_CHANGES } from '../requests/request.channel.js';

/**
 * Every change of a request row announces itself by a statement-level trigger, for the callers
 * waiting on it (`?waitFor=`), instead of a `pg_notify` the store sent after each write: one
 * statement less for every submission and every event.
 */
export class AnnounceRequestChanges1764000000600 implements MigrationInterface {
  name = 'AnnounceRequestChanges1764000000600';

  async up(runner: QueryRunner): Promise<void> {
    await createAnnouncingTrigger(runner, {
      table: 'requests',
      on: 'INSERT OR UPDATE',
      channel: workChannel(runner.manager, REQUEST_CHANGES),
      name: 'requests',
    });
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropAnnouncingTrigger(runner, { table: 'requests', name: 'requests' });
  }
}
