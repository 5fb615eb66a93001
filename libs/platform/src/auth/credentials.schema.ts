import type { DataSource, EntityManager } from 'typeorm';

/**
 * The platform's own Postgres schema for credentials every service checks. It belongs to no
 * service: the CLI and intake's admin endpoint write it, every service's guard only reads it (and
 * stamps `last_used_at`). See docs/adr/0003-api-keys.md.
 */
export const CREDENTIALS_SCHEMA = 'credentials';

/** The NOTIFY channel that tells every guard its cached keys may be stale. */
export const API_KEYS_CHANNEL = 'credentials_api_keys';

/**
 * The schema's steps, in order; applied once each and recorded in `credentials.migrations`. A
 * published step never changes: add a new one.
 */
const steps: { id: number; name: string; sql: string[] }[] = [
  {
    id: 1,
    name: 'create api_keys and api_key_changes',
    sql: [
      `CREATE TABLE credentials.api_keys (
        id uuid PRIMARY KEY,
        name text NOT NULL UNIQUE,
        owner text NOT NULL,
        scopes text[] NOT NULL,
        secret_sha256 text NOT NULL UNIQUE,
        secret_prefix text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz
      )`,
      `CREATE TABLE credentials.api_key_changes (
        id bigserial PRIMARY KEY,
        key_id uuid NOT NULL REFERENCES credentials.api_keys (id),
        action text NOT NULL CHECK (action IN ('created', 'rotated', 'revoked')),
        by text NOT NULL,
        at timestamptz NOT NULL
      )`,
      `CREATE INDEX api_key_changes_key ON credentials.api_key_changes (key_id, at)`,
    ],
  },
];

/**
 * Brings the credentials schema up to date. Every service runs it at start-up and the CLI before
 * each keys command; the advisory lock makes concurrent runs wait for each other, and the steps
 * already recorded are skipped, so running it again is a no-op.
 */
export function migrateCredentials(dataSource: DataSource): Promise<void> {
  return dataSource.transaction((manager) => applySteps(manager));
}

async function applySteps(manager: EntityManager): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('credentials.migrations'))`);
  await manager.query(`CREATE SCHEMA IF NOT EXISTS credentials`);
  await manager.query(`CREATE TABLE IF NOT EXISTS credentials.migrations (
    id integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied = new Set<number>(
    ((await manager.query(`SELECT id FROM credentials.migrations`)) as { id: number }[]).map((row) => row.id),
  );
  for (const step of steps) {
    if (applied.has(step.id)) continue;
    for (const sql of step.sql) await manager.query(sql);
    await manager.query(`INSERT INTO credentials.migrations (id, name) VALUES ($1, $2)`, [step.id, step.name]);
  }
}
