import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/**
 * The store keeps each event as published, and events from before logins were canonical may spell
 * the requester in any case; it is append-only, so they are never rewritten. Queries by requester
 * compare lower-case forms instead, and this index serves them.
 */
export class RequesterCanonicalIndex1764000000200 implements MigrationInterface {
  name = 'RequesterCanonicalIndex1764000000200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE INDEX audit_by_canonical_requester ON ${tableOf(runner.manager, 'audit_events')} (lower(requester), position)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX ${tableOf(runner.manager, 'audit_events').split('.')[0]}.audit_by_canonical_requester`);
  }
}
