import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/** The web app's server-side sessions, in the shape connect-pg-simple reads and writes. */
export class WebSessions1764000000400 implements MigrationInterface {
  name = 'WebSessions1764000000400';

  async up(runner: QueryRunner): Promise<void> {
    const table = tableOf(runner.manager, 'web_sessions');
    await runner.query(`CREATE TABLE ${table} (sid varchar PRIMARY KEY, sess json NOT NULL, expire timestamp(6) NOT NULL)`);
    await runner.query(`CREATE INDEX web_sessions_expire ON ${table} (expire)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'web_sessions')}`);
  }
}
