import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf, tableOf } from '@jit/events';

/**
 * Granting and the Jira follow-ups become loops that claim rows with a lease: what the grant rules
 * now know (the approval, the deadline, an end asked for early, why a grant failed) and the leases
 * of the Okta work and of the ticket work, which run side by side on one grant.
 */
export class AddGrantLeases1764000000300 implements MigrationInterface {
  name = 'AddGrantLeases1764000000300';

  async up(runner: QueryRunner): Promise<void> {
    const grants = tableOf(runner.manager, 'grants');
    const schema = `"${schemaOf(runner.manager)}"`;
    for (const statement of [
      `ALTER TABLE ${grants}
         ADD COLUMN approved_by text,
         ADD COLUMN approval_comment text,
         ADD COLUMN deadline timestamptz,
         ADD COLUMN end_requested text,
         ADD COLUMN failure_reason text,
         ADD COLUMN lease_owner text,
         ADD COLUMN lease_until timestamptz,
         ADD COLUMN ticket_lease_owner text,
         ADD COLUMN ticket_lease_until timestamptz`,
      `DROP INDEX ${schema}.grants_revocations_due`,
      `DROP INDEX ${schema}.grants_tickets_due`,
      `CREATE INDEX grants_okta_work_due ON ${grants} (next_attempt_at) WHERE status IN ('granting', 'revoking')`,
      `CREATE INDEX grants_ticket_work_due ON ${grants} (ticket_next_attempt_at) WHERE granted_at IS NOT NULL AND ticket_closed_at IS NULL`,
    ]) {
      await runner.query(statement);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    const grants = tableOf(runner.manager, 'grants');
    const schema = `"${schemaOf(runner.manager)}"`;
    for (const statement of [
      `DROP INDEX ${schema}.grants_okta_work_due`,
      `DROP INDEX ${schema}.grants_ticket_work_due`,
      `CREATE INDEX grants_revocations_due ON ${grants} (next_attempt_at) WHERE status = 'revoking'`,
      `CREATE INDEX grants_tickets_due ON ${grants} (ticket_next_attempt_at) WHERE status = 'revoked' AND ticket_closed_at IS NULL`,
      `ALTER TABLE ${grants}
         DROP COLUMN approved_by, DROP COLUMN approval_comment, DROP COLUMN deadline, DROP COLUMN end_requested,
         DROP COLUMN failure_reason, DROP COLUMN lease_owner, DROP COLUMN lease_until,
         DROP COLUMN ticket_lease_owner, DROP COLUMN ticket_lease_until`,
    ]) {
      await runner.query(statement);
    }
  }
}
