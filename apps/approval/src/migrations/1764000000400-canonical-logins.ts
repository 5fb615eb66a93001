import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@jit/events';

/**
 * Approvals opened before logins were normalised kept them as typed; the caller's approvals are
 * found by JSON containment, which compares exactly, so the stored logins are brought to the
 * canonical lower-case form. Decisions are canonicalised as they are loaded (their comments must
 * keep their case), so they are left as they are. Not reversible: the typed case is not needed.
 */
export class CanonicalLogins1764000000400 implements MigrationInterface {
  name = 'CanonicalLogins1764000000400';

  async up(runner: QueryRunner): Promise<void> {
    const table = `"${schemaOf(runner.manager)}".approvals`;
    await runner.query(
      `UPDATE ${table} SET requester = lower(btrim(requester)), stages = lower(stages::text)::jsonb, approvers = lower(approvers::text)::jsonb
        WHERE requester <> lower(btrim(requester)) OR stages::text <> lower(stages::text) OR approvers::text <> lower(approvers::text)`,
    );
  }

  async down(): Promise<void> {}
}
