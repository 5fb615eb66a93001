import { z } from 'zod';
import { ConfigError, loadConfig, refuseDemoSettings, SHIPPED_SECRETS, type ConfigRules } from '@jit/platform';

const env = z.object({ VENDOR_TOKEN: z.string().min(1), VENDOR_URL: z.url() });
const rules: ConfigRules<typeof env> = (values, ctx) =>
  refuseDemoSettings(values, ctx, { secrets: ['VENDOR_TOKEN'], httpsUrls: ['VENDOR_URL'] });
const service = { name: 'demo', defaultPort: 3999, env, rules };

/** What an operator sets outside local mode: real-looking secrets, https everywhere. */
const production = {
  DATABASE_URL: 'postgres://jit:Qx7-operator-chosen-9f@db.internal:5432/jit',
  OIDC_ISSUER: 'https://acme.okta.com/oauth2/default',
  VENDOR_TOKEN: '00Lk3rT9vQ2xWm8ZpA7sYd4HnB6cJfE1gU5iO0tRq',
  VENDOR_URL: 'https://acme.okta.com',
};

/** The message of the ConfigError `loadConfig` throws for an environment. */
function refusal(values: NodeJS.ProcessEnv): string {
  try {
    loadConfig(service, values);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('modes: local mode allows demo settings, everything else refuses them', () => {
  it('is production unless JIT_MODE says local, and accepts a real configuration there', () => {
    expect(loadConfig(service, production)).toMatchObject({ JIT_MODE: 'production', VENDOR_TOKEN: production.VENDOR_TOKEN });
  });

  it('refuses a JIT_MODE that is neither local nor production, naming it', () => {
    expect(refusal({ ...production, JIT_MODE: 'dev' })).toMatch(/JIT_MODE: expected local or production/);
  });

  it('refuses the demo API key outside local mode, naming the variable and never printing the key', () => {
    const key = 'a-perfectly-random-looking-key-4711';
    const message = refusal({ ...production, JIT_DEMO_API_KEY: key });
    expect(message).toMatch(/JIT_DEMO_API_KEY: not allowed outside local mode/);
    expect(message).not.toContain(key);
  });

  it('refuses a plain-HTTP OIDC issuer outside local mode', () => {
    expect(refusal({ ...production, OIDC_ISSUER: 'http://vendor-sim:4010/oauth2/default' })).toMatch(
      /OIDC_ISSUER: must be an https:\/\/ URL/,
    );
  });

  it('refuses a missing DATABASE_URL (the password-less default) and one with a password the repository ships', () => {
    const { DATABASE_URL: _unset, ...withoutDatabase } = production;
    expect(refusal(withoutDatabase)).toMatch(/DATABASE_URL: required outside local mode/);
    for (const url of ['postgres://jit:jit@postgres:5432/jit', 'postgres://postgres:postgres@127.0.0.1:54329/jit']) {
      const message = refusal({ ...production, DATABASE_URL: url });
      expect(message).toMatch(/DATABASE_URL: its password is one the repository ships/);
      expect(message).not.toContain(url);
    }
  });

  it.each([
    ...SHIPPED_SECRETS,
    'xoxb-sim-token',
    'jit_demo_Zm9vYmFyYmF6cXV4cXV1eA',
    'my-token-change-me-1234567',
    'acme-test-token-1234567890',
  ])('refuses the shipped or placeholder secret %s, naming the variable, never the value', (secret) => {
    const message = refusal({ ...production, VENDOR_TOKEN: secret });
    expect(message).toMatch(/VENDOR_TOKEN: is a demo or test value the repository ships/);
    expect(message).not.toContain(secret);
  });

  it('refuses a secret too short to be real', () => {
    const message = refusal({ ...production, VENDOR_TOKEN: 'hunter2' });
    expect(message).toMatch(/VENDOR_TOKEN: is too short to be a real secret/);
    expect(message).not.toContain('hunter2');
  });

  it('refuses a plain-HTTP vendor URL (the simulator speaks only HTTP)', () => {
    expect(refusal({ ...production, VENDOR_URL: 'http://127.0.0.1:4010' })).toMatch(/VENDOR_URL: must be an https:\/\/ URL/);
  });

  it('names every refused variable at once', () => {
    const message = refusal({
      ...production,
      JIT_DEMO_API_KEY: 'jit-demo-key-change-me-0000',
      VENDOR_TOKEN: 'sim-okta-token',
      VENDOR_URL: 'http://x',
    });
    expect(message).toMatch(/JIT_DEMO_API_KEY/);
    expect(message).toMatch(/VENDOR_TOKEN/);
    expect(message).toMatch(/VENDOR_URL/);
    for (const value of ['jit-demo-key-change-me-0000', 'sim-okta-token']) expect(message).not.toContain(value);
  });

  it('accepts the simulator, the demo key, shipped secrets and the default database in local mode', () => {
    expect(
      loadConfig(service, {
        JIT_MODE: 'local',
        OIDC_ISSUER: 'http://127.0.0.1:4010/oauth2/default',
        JIT_DEMO_API_KEY: 'jit-demo-key-change-me-0000',
        VENDOR_TOKEN: 'sim-okta-token',
        VENDOR_URL: 'http://127.0.0.1:4010',
      }),
    ).toMatchObject({ JIT_MODE: 'local', VENDOR_TOKEN: 'sim-okta-token', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/jit' });
  });
});
