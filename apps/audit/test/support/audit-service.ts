import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { auditService } from '../../src/service.js';

/**
 * A login role for the audit service of one test database, created once and reused (roles are
 * cluster-wide; naming it after the database keeps checkouts and workers apart). It owns nothing:
 * the service's migrations grant it what it may do in that database.
 */
export async function writerRole(ownerUrl: string): Promise<string> {
  const url = new URL(ownerUrl);
  const role = `${url.pathname.slice(1)}_writer`.slice(0, 63);
  const admin = new pg.Client({ connectionString: ownerUrl });
  await admin.connect();
  try {
    await admin.query(
      `DO $$ BEGIN CREATE ROLE "${role}" LOGIN PASSWORD 'audit-writer-test'; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
    );
  } finally {
    await admin.end();
  }
  url.username = role;
  url.password = 'audit-writer-test';
  return url.toString();
}

/** The audit service as deployed: tables owned by the test database's owner, the service writing through its own role, a key of its own. */
export async function startAuditService(name: string, env: NodeJS.ProcessEnv = {}) {
  const ownerUrl = await createTestDatabase(name);
  const writerUrl = await writerRole(ownerUrl);
  const service = await startTestService(auditService, {
    name,
    databaseUrl: ownerUrl,
    env: {
      DATABASE_URL: writerUrl,
      DATABASE_OWNER_URL: ownerUrl,
      AUDIT_SIGNING_KEY_FILE: join(mkdtempSync(join(tmpdir(), 'jit-audit-')), 'signing-key.pem'),
      ...env,
    },
  });
  return { ...service, writerUrl };
}
