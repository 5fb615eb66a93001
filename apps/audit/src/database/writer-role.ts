import type { DataSource } from 'typeorm';

/** The evidence: the service's role may add to these tables and read them, never change or remove a row. */
export const EVIDENCE_TABLES = ['audit_events', 'checkpoints', 'auditor_queries', 'inbox'] as const;

/**
 * Gives the audit service's own role what it needs and nothing more: INSERT and SELECT on the
 * evidence; the `requests` and `grants` projections (rebuilt from the events at will) to keep up to date; the
 * outbox the platform's relay polls (audit publishes nothing); reading API keys and stamping their
 * last use. It owns nothing, so it cannot drop a trigger, alter or truncate a table. Run by the
 * owner at every start, after the migrations; granting again is a no-op.
 */
export async function grantWriter(owner: DataSource, role: string): Promise<void> {
  const quoted = `"${role.replace(/"/g, '""')}"`;
  const [{ owns }] = await owner.query(
    `SELECT pg_get_userbyid(relowner) = $1 AS owns FROM pg_class WHERE oid = 'audit.audit_events'::regclass`,
    [role],
  );
  if (owns) throw new Error(`the audit service's role ${role} owns audit.audit_events: give it a role of its own (docs/security.md)`);
  const statements = [
    `GRANT USAGE ON SCHEMA audit TO ${quoted}`,
    `GRANT SELECT, INSERT ON ${EVIDENCE_TABLES.map((t) => `audit.${t}`).join(', ')} TO ${quoted}`,
    `GRANT SELECT, INSERT, UPDATE ON audit.requests, audit.grants TO ${quoted}`,
    `GRANT SELECT, UPDATE ON audit.outbox TO ${quoted}`,
    `GRANT SELECT ON audit.migrations TO ${quoted}`,
    `GRANT USAGE ON ALL SEQUENCES IN SCHEMA audit TO ${quoted}`,
    `GRANT USAGE ON SCHEMA credentials TO ${quoted}`,
    `GRANT SELECT ON credentials.api_keys, credentials.api_key_changes TO ${quoted}`,
    `GRANT UPDATE (last_used_at) ON credentials.api_keys TO ${quoted}`,
  ];
  for (const sql of statements) await owner.query(sql);
}
