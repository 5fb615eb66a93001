import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableOf } from '@jit/events';

/** The provisioner service's first tables. */
export class CreateGrants1764000000100 implements MigrationInterface {
  name = 'CreateGrants1764000000100';

  async up(runner: QueryRunner): Promise<void> {
    const t = (table: string): string => tableOf(runner.manager, table);
    for (const statement of [
      `CREATE TABLE ${t('grants')} (
      request_id uuid PRIMARY KEY,
      requester text NOT NULL,
      application_id text NOT NULL,
      application_name text NOT NULL,
      okta_group_id text NOT NULL,
      okta_user_id text,
      duration_seconds integer NOT NULL,
      justification text NOT NULL,
      status text NOT NULL,
      ticket_key text,
      granted_at timestamptz,
      expires_at timestamptz,
      revoked_at timestamptz,
      revoke_reason text,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      last_error text,
      ticket_commented_at timestamptz,
      ticket_closed_at timestamptz,
      ticket_attempts integer NOT NULL DEFAULT 0,
      ticket_next_attempt_at timestamptz,
      ticket_error text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`,
      `CREATE INDEX grants_by_status ON ${t('grants')} (status)`,
      `CREATE INDEX grants_revocations_due ON ${t('grants')} (next_attempt_at) WHERE status = 'revoking'`,
      `CREATE INDEX grants_tickets_due ON ${t('grants')} (ticket_next_attempt_at) WHERE status = 'revoked' AND ticket_closed_at IS NULL`,
    ]) {
      await runner.query(statement);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${tableOf(runner.manager, 'grants')}`);
  }
}
