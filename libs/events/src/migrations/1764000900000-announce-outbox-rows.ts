import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxChannel, schemaOf, tableOf } from '../schema.js';

/**
 * Every outbox insert announces itself by a statement-level trigger, not by a `pg_notify` the
 * service sends after it: one statement less per transaction that publishes. NOTIFY in a trigger
 * is delivered on commit like any other, and not at all on rollback.
 */
export class AnnounceOutboxRows1764000900000 implements MigrationInterface {
  name = 'AnnounceOutboxRows1764000900000';

  async up(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner.manager);
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`a schema name fit for a NOTIFY channel was expected, got ${schema}`);
    const announce = tableOf(runner.manager, 'announce_outbox');
    await runner.query(
      `CREATE FUNCTION ${announce}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN PERFORM pg_notify('${outboxChannel(schema)}', ''); RETURN NULL; END $$`,
    );
    await runner.query(
      `CREATE TRIGGER outbox_announce AFTER INSERT ON ${tableOf(runner.manager, 'outbox')} FOR EACH STATEMENT EXECUTE FUNCTION ${announce}()`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TRIGGER outbox_announce ON ${tableOf(runner.manager, 'outbox')}`);
    await runner.query(`DROP FUNCTION ${tableOf(runner.manager, 'announce_outbox')}()`);
  }
}
