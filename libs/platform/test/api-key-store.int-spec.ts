import { DataSource } from 'typeorm';
import { PgListener, silentLogger } from '@jit/events';
import { createTestDatabase, waitFor } from '@jit/events/testing';
import {
  API_KEYS_CHANNEL,
  ApiKeyStore,
  ApiKeyVerifier,
  ConflictError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
  migrateCredentials,
  type ApiKeyVerifierParts,
} from '../src/index.js';

const newKey = { name: 'ci-bot', owner: 'alice@example.com', scopes: ['requests:read' as const] };

describe('stored API keys', () => {
  let dataSource: DataSource;
  let store: ApiKeyStore;
  const verifiers: ApiKeyVerifier[] = [];
  let now = new Date();

  /** A guard's verifier over the same database, as another service instance would have. */
  function verifier(options: Partial<Pick<ApiKeyVerifierParts, 'cacheMs' | 'listen'>> = {}): ApiKeyVerifier {
    const made = new ApiKeyVerifier({
      store: new ApiKeyStore(dataSource),
      staticKeys: [],
      cacheMs: options.cacheMs ?? 60_000,
      listen: options.listen === undefined ? (onNotify) => new PgListener(dataSource, API_KEYS_CHANNEL, onNotify) : options.listen,
      logger: silentLogger,
    });
    verifiers.push(made);
    return made;
  }

  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'postgres', url: await createTestDatabase('api_keys') }).initialize();
    // Replicas and the CLI start together: concurrent runs wait for each other and apply each step once.
    await Promise.all([migrateCredentials(dataSource), migrateCredentials(dataSource), migrateCredentials(dataSource)]);
    store = new ApiKeyStore(dataSource);
  });

  afterAll(async () => {
    await Promise.all(verifiers.map((v) => v.close()));
    await dataSource.destroy();
  });

  beforeEach(() => {
    now = new Date();
  });

  it('migrating again changes nothing: each step is recorded once', async () => {
    await migrateCredentials(dataSource);
    expect(await dataSource.query(`SELECT id FROM credentials.migrations`)).toEqual([{ id: 1 }]);
  });

  it('a created key works with its secret, and the database holds only its hash and its first characters', async () => {
    const { key, secret } = await store.create({ ...newKey, name: 'stored-hashed' }, 'apikey:bootstrap', now);
    expect(secret).toMatch(/^jit_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ name: 'stored-hashed', owner: 'alice@example.com', status: 'active', secretPrefix: secret.slice(0, 12) });
    expect(await verifier().verify(secret, now)).toMatchObject({ name: 'stored-hashed', scopes: ['requests:read'] });

    const [row] = await dataSource.query(`SELECT to_jsonb(k)::text AS text FROM credentials.api_keys k WHERE name = 'stored-hashed'`);
    expect(row.text).not.toContain(secret.slice(12));
    expect(JSON.stringify(await store.list(now))).not.toContain(secret.slice(12));
  });

  it('names are unique for good, so an event naming a key names one key', async () => {
    await store.create({ ...newKey, name: 'unique' }, 'apikey:bootstrap', now);
    await store.revoke('unique', 'apikey:bootstrap', now);
    await expect(store.create({ ...newKey, name: 'unique' }, 'apikey:bootstrap', now)).rejects.toBeInstanceOf(ConflictError);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM credentials.api_keys WHERE name = 'unique'`)).toEqual([{ n: 1 }]);
  });

  it('an expiry in the past is refused and nothing is stored', async () => {
    const past = new Date(now.getTime() - 1000).toISOString();
    await expect(store.create({ ...newKey, name: 'born-dead', expiresAt: past }, 'x', now)).rejects.toBeInstanceOf(ValidationError);
    expect(await dataSource.query(`SELECT 1 FROM credentials.api_keys WHERE name = 'born-dead'`)).toEqual([]);
  });

  it('rotation invalidates the old secret at once in a service that had it cached, and the new one works', async () => {
    const watching = verifier();
    const { key, secret: old } = await store.create({ ...newKey, name: 'rotated' }, 'apikey:bootstrap', now);
    await watching.verify(old, now);
    const { secret: fresh } = await store.rotate(key.id, 'apikey:ops', now);
    await waitFor(
      async () =>
        watching.verify(old, new Date()).then(
          () => false,
          (error) => error instanceof UnauthenticatedError,
        ),
      {
        what: 'the old secret refused',
      },
    );
    expect(await watching.verify(fresh, new Date())).toMatchObject({ name: 'rotated' });
  });

  it('a revoked key is refused within seconds by another instance that cached it for a minute (the notification empties its cache)', async () => {
    const other = verifier({ cacheMs: 60_000 });
    const { secret } = await store.create({ ...newKey, name: 'revoked' }, 'apikey:bootstrap', now);
    await other.verify(secret, now);
    await store.revoke('revoked', 'apikey:ops', new Date());
    const refusal = await waitFor(
      async () =>
        other.verify(secret, new Date()).then(
          (): false => false,
          (error: Error) => error,
        ),
      { timeoutMs: 5000, what: 'the revoked key refused' },
    );
    expect(refusal).toBeInstanceOf(UnauthenticatedError);
    expect(refusal.message).toMatch(/^API key "revoked" was revoked at/);
  });

  it('a lost notification is bounded by the cache lifetime: an instance that hears nothing refuses the revoked key once its entry ages out', async () => {
    const deaf = verifier({ cacheMs: 300, listen: null });
    const { secret } = await store.create({ ...newKey, name: 'unheard' }, 'apikey:bootstrap', now);
    await deaf.verify(secret, now);
    await store.revoke('unheard', 'apikey:ops', new Date());
    await waitFor(
      async () =>
        deaf.verify(secret, new Date()).then(
          () => false,
          (error) => error instanceof UnauthenticatedError,
        ),
      {
        timeoutMs: 3000,
        what: 'the revoked key refused after the TTL',
      },
    );
  });

  it('an expired key is refused with the reason, even while it is cached', async () => {
    const cached = verifier();
    const expiresAt = new Date(now.getTime() + 60_000);
    const { secret } = await store.create({ ...newKey, name: 'expiring', expiresAt: expiresAt.toISOString() }, 'x', now);
    await cached.verify(secret, now);
    await expect(cached.verify(secret, expiresAt)).rejects.toThrow(`API key "expiring" expired at ${expiresAt.toISOString()}`);
    expect((await store.list(expiresAt)).find((k) => k.name === 'expiring')?.status).toBe('expired');
  });

  it('an unknown secret, or one without the prefix, is refused', async () => {
    await expect(verifier().verify(`jit_${'A'.repeat(43)}`, now)).rejects.toThrow('invalid API key');
    await expect(verifier().verify('not-a-jit-key-at-all', now)).rejects.toThrow('invalid API key');
  });

  it('records who created, rotated and revoked a key, and when', async () => {
    const { key } = await store.create({ ...newKey, name: 'history' }, 'cli:root', new Date('2026-01-01T00:00:00Z'));
    await store.rotate('history', 'apikey:ops', new Date('2026-01-02T00:00:00Z'));
    await store.revoke(key.id, 'apikey:ops', new Date('2026-01-03T00:00:00Z'));
    const [listed] = (await store.list(now)).filter((k) => k.name === 'history');
    expect(listed.changes).toEqual([
      { action: 'created', by: 'cli:root', at: '2026-01-01T00:00:00.000Z' },
      { action: 'rotated', by: 'apikey:ops', at: '2026-01-02T00:00:00.000Z' },
      { action: 'revoked', by: 'apikey:ops', at: '2026-01-03T00:00:00.000Z' },
    ]);
    await expect(store.rotate('history', 'x', now)).rejects.toBeInstanceOf(ConflictError);
    await expect(store.revoke('history', 'x', now)).rejects.toBeInstanceOf(ConflictError);
    await expect(store.revoke('nobody', 'x', now)).rejects.toBeInstanceOf(NotFoundError);
    expect((await store.list(now)).find((k) => k.name === 'history')?.changes).toHaveLength(3);
  });

  it('stamps the last use at most once a minute per key', async () => {
    const used = verifier();
    const { secret } = await store.create({ ...newKey, name: 'used' }, 'x', now);
    const lastUsed = async (): Promise<string | null> => (await store.list(now)).find((k) => k.name === 'used')!.lastUsedAt;
    const first = new Date('2030-01-01T00:00:00Z');
    await used.verify(secret, first);
    await waitFor(async () => (await lastUsed()) === first.toISOString(), { what: 'the first use stamped' });
    await used.verify(secret, new Date('2030-01-01T00:00:30Z'));
    await used.verify(secret, new Date('2030-01-01T00:01:01Z'));
    await waitFor(async () => (await lastUsed()) === '2030-01-01T00:01:01.000Z', { what: 'a use a minute later stamped' });
  });
});
