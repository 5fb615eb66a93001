import { DataSource } from 'typeorm';
import { createTestDatabase } from '@jit/events/testing';
import { ApiKeyStore } from '@jit/platform';
import { runJit, runJitOutput } from './support/run-cli.js';

describe('jit keys (straight against DATABASE_URL, no service running)', () => {
  let databaseUrl: string;
  let dataSource: DataSource;
  let store: ApiKeyStore;

  /** Runs `npm run jit -- keys <args>` against this file's database. */
  function keys(...args: string[]): Promise<any[]> {
    return runJit(['keys', ...args], { DATABASE_URL: databaseUrl });
  }

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('cli_keys');
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl }).initialize();
    store = new ApiKeyStore(dataSource);
  });

  afterAll(() => dataSource.destroy());

  it('lists no key in an empty database as "none" on stderr, with nothing on stdout, and exits 0', async () => {
    expect(await runJitOutput(['keys', 'list'], { DATABASE_URL: databaseUrl })).toEqual({ lines: [], stderr: 'none: no API keys\n' });
  });

  it('creates the first admin key in an empty database, and the secret it prints is the one stored (hashed)', async () => {
    const [created] = await keys('create', '--name', 'bootstrap', '--owner', 'You@Example.com', '--scopes', 'admin', '--by', 'cli:test');
    expect(created).toMatchObject({
      secret: expect.stringMatching(/^jit_/),
      key: {
        name: 'bootstrap',
        owner: 'you@example.com',
        scopes: ['admin'],
        status: 'active',
        changes: [{ action: 'created', by: 'cli:test' }],
      },
    });
    expect(await store.findBySecret(created.secret)).toMatchObject({ name: 'bootstrap', scopes: ['admin'] });
  });

  it('lists every key without any secret, then rotates (the old secret stops matching) and revokes by name', async () => {
    const [{ secret: old, key }] = await keys(
      'create',
      '--name',
      'ci',
      '--owner',
      'ops@example.com',
      '--scopes',
      'requests:read,audit:read',
    );
    const listed = await keys('list');
    expect(listed.map((k) => k.name)).toEqual(['bootstrap', 'ci']);
    expect(JSON.stringify(listed)).not.toContain(old.slice(12));

    const [rotated] = await keys('rotate', key.id);
    expect(await store.findBySecret(old)).toBeUndefined();
    expect(await store.findBySecret(rotated.secret)).toMatchObject({ name: 'ci' });

    const [revoked] = await keys('revoke', 'ci');
    expect(revoked.key).toMatchObject({ name: 'ci', status: 'revoked' });
    expect((await store.findBySecret(rotated.secret))?.revokedAt).toBeInstanceOf(Date);
    expect((await keys('list')).find((k) => k.name === 'ci').changes.map((c: { action: string }) => c.action)).toEqual([
      'created',
      'rotated',
      'revoked',
    ]);
  });

  it('refuses a bad scope naming the field, and creates nothing', async () => {
    await expect(keys('create', '--name', 'typo', '--owner', 'ops@example.com', '--scopes', 'admn')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('scopes.0:'),
    });
    expect((await keys('list')).map((k) => k.name)).not.toContain('typo');
  });

  it('refuses an unknown keys command, or a rotation naming no key, with its usage', async () => {
    await expect(keys('frobnicate')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown keys command "frobnicate"'),
    });
    await expect(keys('rotate')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("needs the key's id or name") });
  });

  it('exits 1 naming the key it cannot find, for a rotation or a revocation, and changes no key', async () => {
    const before = await store.list(new Date());
    for (const action of ['rotate', 'revoke']) {
      await expect(keys(action, 'no-such-key')).rejects.toMatchObject({ code: 1, stderr: 'no API key no-such-key\n' });
    }
    expect(await store.list(new Date())).toEqual(before);
  });
});
