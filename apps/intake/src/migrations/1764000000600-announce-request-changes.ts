import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf, workChannel } from '@jit/events';
import { REQUEST_CHANGES } from '../requests/request.channel.js';

/**
 * Every change of a request row announces itself by a statement-level trigger, for the callers
 * waiting on it (`?waitFor=`), instead of a `pg_notify` the store sent after each write: one
 * statement less for every submission and every event. Delivered on commit, not on rollback.
 */
export class AnnounceRequestChanges1764000000600 implements MigrationInterface {
  name = 'AnnounceRequestChanges1764000000600';

  async up(runner: QueryRunner): Promise<void> {
    const channel = workChannel(runner.manager, REQUEST_CHANGES);
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`a NOTIFY channel of plain letters was expected, got ${channel}`);
    const announce = tableOf(runner.manager, 'announce_request_change');
    await runner.query(
      `CREATE FUNCTION ${announce}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN PERFORM pg_notify('${channel}', ''); RETURN NULL; END $$`,
    );
    await runner.query(
      `CREATE TRIGGER requests_announce AFTER INSERT OR UPDATE ON ${tableOf(runner.manager, 'requests')} FOR EACH STATEMENT EXECUTE FUNCTION ${announce}()`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TRIGGER requests_announce ON ${tableOf(runner.manager, 'requests')}`);
    await runner.query(`DROP FUNCTION ${tableOf(runner.manager, 'announce_request_change')}()`);
  }
}
