import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { announce, LoginSchema } from '@jit/events';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { API_KEY_PREFIX, generateApiKeySecret, hashApiKey, shownPartOf, type ApiKey } from './api-keys.js';
import { API_KEYS_CHANNEL } from './credentials.schema.js';
import { SCOPES, type Scope } from './scopes.js';

/** The name of the local demo key, which lives in configuration; no stored key may take it, or `via` would be ambiguous. */
export const DEMO_KEY_NAME = 'demo';

const KeyNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'expected 1-63 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit');

/** How an operator names a stored key: its id or its name. */
export const ApiKeyRefSchema = z.union([z.uuid(), KeyNameSchema], { error: "expected a key's id or name" });

/** What is asked for a new key: `POST /v1/admin/keys` and `jit keys create` validate with this one schema. */
export const NewApiKeySchema = z
  .object({
    name: KeyNameSchema.refine((name) => name !== DEMO_KEY_NAME, `"${DEMO_KEY_NAME}" is the local demo key's name`),
    owner: LoginSchema,
    scopes: z
      .array(z.enum(SCOPES))
      .min(1, `expected at least one of ${SCOPES.join(', ')}`)
      .transform((scopes) => [...new Set(scopes)]),
    expiresAt: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time, e.g. 2027-01-01T00:00:00Z' }).optional(),
  })
  .strict();

/** A new key's settings, validated. */
export type NewApiKey = z.output<typeof NewApiKeySchema>;

/** One change to a key, kept for good: who created, rotated or revoked it, and when. */
export interface ApiKeyChange {
  action: 'created' | 'rotated' | 'revoked';
  by: string;
  at: string;
}

/** A stored key as operators see it: never its secret, only the start of it. */
export interface ApiKeyView {
  id: string;
  name: string;
  owner: string;
  scopes: Scope[];
  /** The first characters of the current secret, to tell which key a leaked secret is. */
  secretPrefix: string;
  status: 'active' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  changes: ApiKeyChange[];
}

/** A key just created or rotated, with the secret shown this once. */
export interface IssuedApiKey {
  key: ApiKeyView;
  secret: string;
}

interface KeyRow {
  id: string;
  name: string;
  owner: string;
  scopes: Scope[];
  secret_prefix: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const KEY_COLUMNS = `id, name, owner, scopes, secret_prefix, created_at, expires_at, last_used_at, revoked_at`;

/**
 * The `credentials.api_keys` table: create, list, rotate and revoke (the CLI and intake's admin
 * endpoint), and the guard's lookup by secret. Every change records who made it and announces
 * itself on `API_KEYS_CHANNEL` in its own transaction, so guards drop their cache when it commits.
 */
export class ApiKeyStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a new key and returns its secret, which is never stored or shown again. */
  async create(input: NewApiKey, by: string, now: Date): Promise<IssuedApiKey> {
    if (input.expiresAt && new Date(input.expiresAt) <= now) {
      throw new ValidationError(`expiresAt: ${input.expiresAt} is not in the future`, { field: 'expiresAt' });
    }
    const secret = generateApiKeySecret();
    const id = randomUUID();
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.query(
          `INSERT INTO credentials.api_keys (id, name, owner, scopes, secret_sha256, secret_prefix, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [id, input.name, input.owner, input.scopes, digestOf(secret), shownPartOf(secret), now, input.expiresAt ?? null],
        );
        await recordChange(manager, id, 'created', by, now);
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new ConflictError(`name: an API key named "${input.name}" exists already (names are never reused)`, { field: 'name' });
      }
      throw error;
    }
    return { key: await this.view(id, now), secret };
  }

  /** Every key, revoked and expired ones included, by name. */
  async list(now: Date): Promise<ApiKeyView[]> {
    const rows = (await this.dataSource.query(`SELECT ${KEY_COLUMNS} FROM credentials.api_keys ORDER BY name`)) as KeyRow[];
    const changes = await this.changesOf(rows.map((row) => row.id));
    return rows.map((row) => viewOf(row, changes.get(row.id) ?? [], now));
  }

  /** Gives a key a new secret; the old one stops working when the change commits. A revoked key stays revoked. */
  async rotate(ref: string, by: string, now: Date): Promise<IssuedApiKey> {
    const secret = generateApiKeySecret();
    const id = await this.dataSource.transaction(async (manager) => {
      const row = await lockedKey(manager, ref);
      if (row.revoked_at) throw new ConflictError(`API key "${row.name}" is revoked; create a new key instead`);
      await manager.query(`UPDATE credentials.api_keys SET secret_sha256 = $2, secret_prefix = $3 WHERE id = $1`, [
        row.id,
        digestOf(secret),
        shownPartOf(secret),
      ]);
      await recordChange(manager, row.id, 'rotated', by, now);
      return row.id;
    });
    return { key: await this.view(id, now), secret };
  }

  /** Revokes a key for good; every service refuses it within its cache's lifetime, at once when the notification arrives. */
  async revoke(ref: string, by: string, now: Date): Promise<ApiKeyView> {
    const id = await this.dataSource.transaction(async (manager) => {
      const row = await lockedKey(manager, ref);
      if (row.revoked_at) throw new ConflictError(`API key "${row.name}" is already revoked`);
      await manager.query(`UPDATE credentials.api_keys SET revoked_at = $2 WHERE id = $1`, [row.id, now]);
      await recordChange(manager, row.id, 'revoked', by, now);
      return row.id;
    });
    return this.view(id, now);
  }

  /** The key whose secret this is, revoked or expired ones included (the caller says why it is refused). */
  async findBySecret(secret: string): Promise<ApiKey | undefined> {
    if (!secret.startsWith(API_KEY_PREFIX)) return undefined;
    const [row] = (await this.dataSource.query(`SELECT ${KEY_COLUMNS} FROM credentials.api_keys WHERE secret_sha256 = $1`, [
      digestOf(secret),
    ])) as KeyRow[];
    return row && { id: row.id, name: row.name, scopes: row.scopes, expiresAt: row.expires_at, revokedAt: row.revoked_at };
  }

  /** Stamps a key's last use; skipped when another instance stamped it less than a minute ago. */
  async touch(id: string, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE credentials.api_keys SET last_used_at = $2
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
      [id, now],
    );
  }

  private async view(id: string, now: Date): Promise<ApiKeyView> {
    const [row] = (await this.dataSource.query(`SELECT ${KEY_COLUMNS} FROM credentials.api_keys WHERE id = $1`, [id])) as KeyRow[];
    return viewOf(row, (await this.changesOf([id])).get(id) ?? [], now);
  }

  private async changesOf(ids: string[]): Promise<Map<string, ApiKeyChange[]>> {
    const rows = (await this.dataSource.query(
      `SELECT key_id, action, by, at FROM credentials.api_key_changes WHERE key_id = ANY($1::uuid[]) ORDER BY at, id`,
      [ids],
    )) as { key_id: string; action: ApiKeyChange['action']; by: string; at: Date }[];
    const changes = new Map<string, ApiKeyChange[]>();
    for (const row of rows) {
      changes.set(row.key_id, [...(changes.get(row.key_id) ?? []), { action: row.action, by: row.by, at: row.at.toISOString() }]);
    }
    return changes;
  }
}

/** The hex SHA-256 stored for a secret. */
function digestOf(secret: string): string {
  return hashApiKey(secret).toString('hex');
}

/** A key named by its id or its name, locked until the transaction ends. */
async function lockedKey(manager: EntityManager, ref: string): Promise<KeyRow> {
  const byId = z.uuid().safeParse(ref).success;
  const [row] = (await manager.query(
    `SELECT ${KEY_COLUMNS} FROM credentials.api_keys WHERE ${byId ? 'id = $1::uuid' : 'name = $1'} FOR UPDATE`,
    [ref],
  )) as KeyRow[];
  if (!row) throw new NotFoundError(`no API key ${ref}`);
  return row;
}

async function recordChange(manager: EntityManager, id: string, action: ApiKeyChange['action'], by: string, now: Date): Promise<void> {
  await manager.query(`INSERT INTO credentials.api_key_changes (key_id, action, by, at) VALUES ($1, $2, $3, $4)`, [id, action, by, now]);
  await announce(manager, API_KEYS_CHANNEL);
}

function viewOf(row: KeyRow, changes: ApiKeyChange[], now: Date): ApiKeyView {
  const status = row.revoked_at ? 'revoked' : row.expires_at && row.expires_at <= now ? 'expired' : 'active';
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    scopes: row.scopes,
    secretPrefix: row.secret_prefix,
    status,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    changes,
  };
}
