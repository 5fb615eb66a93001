import type { QueryRunner } from 'typeorm';
import { tableOf } from '../schema.js';

/** A table whose writes announce themselves, for a migration to create or drop. */
export interface AnnouncingTrigger {
  /** The table whose writes are announced. */
  table: string;
  /** The writes that announce: `INSERT`, `INSERT OR UPDATE`, ... */
  on: string;
  /** The NOTIFY channel. */
  channel: string;
  /** The trigger's name; its function is `announce_<name>` in the same schema. */
  name: string;
}

/**
 * Creates a statement-level trigger that announces every write of `on` to `table` on `channel`:
 * one statement less than a `pg_notify` sent after each write, and, like any NOTIFY, delivered on
 * commit and not at all on rollback.
 */
export async function createAnnouncingTrigger(runner: QueryRunner, trigger: AnnouncingTrigger): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(trigger.channel))
    throw new Error(`a NOTIFY channel of plain letters was expected, got ${trigger.channel}`);
  const announce = tableOf(runner.manager, `announce_${trigger.name}`);
  await runner.query(
    `CREATE FUNCTION ${announce}() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN PERFORM pg_notify('${trigger.channel}', ''); RETURN NULL; END $$`,
  );
  await runner.query(
    `CREATE TRIGGER ${trigger.name}_announce AFTER ${trigger.on} ON ${tableOf(runner.manager, trigger.table)} FOR EACH STATEMENT EXECUTE FUNCTION ${announce}()`,
  );
}

/** Drops what `createAnnouncingTrigger` made. */
export async function dropAnnouncingTrigger(runner: QueryRunner, trigger: Pick<AnnouncingTrigger, 'table' | 'name'>): Promise<void> {
  await runner.query(`DROP TRIGGER ${trigger.name}_announce ON ${tableOf(runner.manager, trigger.table)}`);
  await runner.query(`DROP FUNCTION ${tableOf(runner.manager, `announce_${trigger.name}`)}()`);
}
