import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@jit/events';

/** The notification outbox and the posted approval messages belong to the chat, not to Slack: vendor-neutral names. */
export class RenameNotifications1764000000300 implements MigrationInterface {
  name = 'RenameNotifications1764000000300';

  async up(runner: QueryRunner): Promise<void> {
    await renameTables(
      runner,
      { outbox: 'slack_notifications', messages: 'slack_messages' },
      { outbox: 'notifications', messages: 'chat_messages' },
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await renameTables(
      runner,
      { outbox: 'notifications', messages: 'chat_messages' },
      { outbox: 'slack_notifications', messages: 'slack_messages' },
    );
  }
}

interface TableNames {
  outbox: string;
  messages: string;
}

/** Renames both tables with the constraints, sequence and indexes named after them. */
async function renameTables(runner: QueryRunner, from: TableNames, to: TableNames): Promise<void> {
  const s = `"${schemaOf(runner.manager)}"`;
  for (const statement of [
    `ALTER TABLE ${s}.${from.outbox} RENAME TO ${to.outbox}`,
    `ALTER TABLE ${s}.${to.outbox} RENAME CONSTRAINT ${from.outbox}_pkey TO ${to.outbox}_pkey`,
    `ALTER TABLE ${s}.${to.outbox} RENAME CONSTRAINT ${from.outbox}_state_check TO ${to.outbox}_state_check`,
    `ALTER SEQUENCE ${s}.${from.outbox}_id_seq RENAME TO ${to.outbox}_id_seq`,
    `ALTER INDEX ${s}.${from.outbox}_due RENAME TO ${to.outbox}_due`,
    `ALTER INDEX ${s}.${from.outbox}_request RENAME TO ${to.outbox}_request`,
    `ALTER TABLE ${s}.${from.messages} RENAME TO ${to.messages}`,
    `ALTER TABLE ${s}.${to.messages} RENAME CONSTRAINT ${from.messages}_pkey TO ${to.messages}_pkey`,
  ]) {
    await runner.query(statement);
  }
}
