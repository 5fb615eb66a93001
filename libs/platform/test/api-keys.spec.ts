import {
  API_KEY_PREFIX,
  NewApiKeySchema,
  generateApiKeySecret,
  hashApiKey,
  keyRefusal,
  matchApiKey,
  shownPartOf,
  staticApiKeys,
  SCOPES,
} from '../src/index.js';

const key = { id: 'k1', name: 'ci', scopes: ['requests:read' as const], expiresAt: null, revokedAt: null };

describe('API key secrets', () => {
  it('a new secret carries the jit_ prefix scanners look for and 256 random bits', () => {
    const secrets = new Set(Array.from({ length: 100 }, () => generateApiKeySecret()));
    expect(secrets.size).toBe(100);
    for (const secret of secrets) {
      expect(secret.startsWith(API_KEY_PREFIX)).toBe(true);
      expect(Buffer.from(secret.slice(API_KEY_PREFIX.length), 'base64url')).toHaveLength(32);
    }
  });

  it('what is shown of a secret is the prefix and 8 characters, never enough to use it', () => {
    const secret = generateApiKeySecret();
    expect(shownPartOf(secret)).toBe(secret.slice(0, 12));
  });

  it('the stored hash is the SHA-256 of the secret, and only the exact secret matches a configured key', () => {
    expect(hashApiKey('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const configured = staticApiKeys({ demoApiKey: 'local-demo-key-0123456789' });
    expect(matchApiKey(configured, 'local-demo-key-0123456789')?.name).toBe('demo');
    expect(matchApiKey(configured, 'local-demo-key-012345678')).toBeUndefined();
    expect(matchApiKey(configured, 'LOCAL-DEMO-KEY-0123456789')).toBeUndefined();
  });

  it('the local demo key holds every scope, like a stored key holding them all', () => {
    expect(staticApiKeys({ demoApiKey: 'local-demo-key-0123456789' })).toEqual([
      { name: 'demo', sha256: expect.any(Buffer), scopes: SCOPES },
    ]);
    expect(staticApiKeys({})).toEqual([]);
  });
});

describe('whether a known key still works', () => {
  const now = new Date('2026-06-01T12:00:00Z');

  it('a key works until the instant it expires, and not from then on', () => {
    expect(keyRefusal({ ...key, expiresAt: new Date('2026-06-01T12:00:01Z') }, now)).toBeUndefined();
    expect(keyRefusal({ ...key, expiresAt: now }, now)).toBe('API key "ci" expired at 2026-06-01T12:00:00.000Z');
  });

  it('a revoked key never works again, even when the revoking machine’s clock ran ahead of this one', () => {
    expect(keyRefusal({ ...key, revokedAt: new Date('2026-06-01T11:00:00Z') }, now)).toMatch(/^API key "ci" was revoked at/);
    expect(keyRefusal({ ...key, revokedAt: new Date('2026-06-01T12:00:05Z') }, now)).toMatch(/^API key "ci" was revoked at/);
  });

  it('a key with no expiry and no revocation works', () => {
    expect(keyRefusal(key, now)).toBeUndefined();
  });
});

describe('a new key as asked for', () => {
  const valid = { name: 'ci-bot', owner: ' Alice@Example.com ', scopes: ['requests:read', 'requests:read', 'audit:read'] };

  it('normalises the owner and drops repeated scopes', () => {
    expect(NewApiKeySchema.parse(valid)).toEqual({ name: 'ci-bot', owner: 'alice@example.com', scopes: ['requests:read', 'audit:read'] });
  });

  it.each([
    ['an unknown scope', { ...valid, scopes: ['requests:everything'] }, 'scopes.0'],
    ['no scope', { ...valid, scopes: [] }, 'scopes'],
    ['the demo key name, which would make via ambiguous', { ...valid, name: 'demo' }, 'name'],
    ['a name with spaces', { ...valid, name: 'ci bot' }, 'name'],
    ['no owner', { ...valid, owner: '' }, 'owner'],
    ['an expiry that is not a date-time', { ...valid, expiresAt: 'tomorrow' }, 'expiresAt'],
    ['an unknown field', { ...valid, admin: true }, ''],
  ])('refuses %s', (_, input, field) => {
    const parsed = NewApiKeySchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });
});
