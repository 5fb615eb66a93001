import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '../schema.js';

/** The outbox and inbox tables every service keeps in its own schema. */
export class CreateOutboxAndInbox1764000000000 implements MigrationInterface {
  name = 'CreateOutboxAndInbox1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    const outbox = tableOf(runner.manager, 'outbox');
    const inbox = tableOf(runner.manager, 'inbox');
    await runner.query(`CREATE TABLE ${outbox} (
      id uuid PRIMARY KEY,
      position bigserial NOT NULL,
      subject text NOT NULL,
      event jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      last_error text
    )`);
    await runner.query(`CREATE INDEX outbox_pending ON ${outbox} (position) WHERE published_at IS NULL`);
    await runner.query(`CREATE TABLE ${inbox} (
      consumer text NOT NULL,
      event_id uuid NOT NULL,
      event_type text NOT NULL,
      stream_seq bigint NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id)
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'inbox')}`);
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'outbox')}`);
  }
}
