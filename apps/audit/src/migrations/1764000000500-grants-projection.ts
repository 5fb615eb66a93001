import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';
import { grantsProjection } from '../projections/grants.js';
import { foldStore } from '../projections/projection.js';
import { sqlOf } from '../records/sql.js';

/**
 * The `grants` projection the access report and an auditor's "who held what" read: one row per
 * grant, filled from the events already recorded (through the registry's upcasters), then kept live
 * by the recorder. Indexed for the report's pages (by grant time, whole or of one application or
 * requester) and for the lingering grants (open, by expiry).
 */
export class GrantsProjection1764000000500 implements MigrationInterface {
  name = 'GrantsProjection1764000000500';

  async up(runner: QueryRunner): Promise<void> {
    const table = tableOf(runner.manager, 'grants');
    await runner.query(`CREATE TABLE ${table} (
  request_id text PRIMARY KEY,
  requester text,
  application_id text,
  okta_group_id text,
  justification text,
  requested_via text,
  approvers jsonb NOT NULL,
  approved_via jsonb NOT NULL,
  granted_at timestamptz,
  expires_at timestamptz,
  ended_at timestamptz,
  ended_how text,
  ended_by text,
  last_seq bigint NOT NULL
    )`);
    await runner.query(`CREATE INDEX grants_by_time ON ${table} (granted_at, request_id)`);
    await runner.query(`CREATE INDEX grants_by_application_time ON ${table} (application_id, granted_at, request_id)`);
    await runner.query(`CREATE INDEX grants_by_requester_time ON ${table} (lower(requester), granted_at, request_id)`);
    await runner.query(`CREATE INDEX grants_open_by_expiry ON ${table} (expires_at) WHERE ended_at IS NULL AND granted_at IS NOT NULL`);
    await foldStore(sqlOf(runner.manager), grantsProjection, table, tableOf(runner.manager, 'audit_events'));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'grants')}`);
  }
}
