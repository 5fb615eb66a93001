import { ConfigError, busConnectionOptions, connectBus, loadConfig } from '@jit/platform';

describe('the bus login, configured once at start-up', () => {
  const service = { name: 'demo', defaultPort: 3999 };
  // Local mode, so that only the bus rules speak (production's own rules are in modes.spec.ts).
  const load = (env: NodeJS.ProcessEnv) => loadConfig(service, { JIT_MODE: 'local', ...env });

  it('needs a password with a user and a user with a password, naming the missing one', () => {
    expect(() => load({ NATS_USER: 'intake' })).toThrow(
      new ConfigError('invalid configuration for demo: NATS_PASSWORD: required with NATS_USER'),
    );
    expect(() => load({ NATS_PASSWORD: 's3cret' })).toThrow('NATS_USER: required with NATS_PASSWORD');
  });

  it('takes either an nkey seed or a user and password, and only a user seed', () => {
    const seed = `SU${'A'.repeat(56)}`;
    expect(() => load({ NATS_NKEY_SEED: seed, NATS_USER: 'intake', NATS_PASSWORD: 'p' })).toThrow(
      'NATS_NKEY_SEED: use either an nkey seed or NATS_USER/NATS_PASSWORD, not both',
    );
    expect(() => load({ NATS_NKEY_SEED: 'SOAAAA' })).toThrow('NATS_NKEY_SEED: expected a user nkey seed (SU...)');
    expect(load({ NATS_NKEY_SEED: seed }).NATS_NKEY_SEED).toBe(seed);
  });

  it('names a TLS file that does not exist, and a client certificate without its key', async () => {
    await expect(connectBus(load({ NATS_TLS_CA: '/nonexistent/ca.pem' }), 'demo')).rejects.toThrow(
      new ConfigError('invalid configuration for demo: NATS_TLS_CA: no such file: /nonexistent/ca.pem'),
    );
    expect(() => load({ NATS_TLS_CERT: import.meta.filename })).toThrow(
      'NATS_TLS_KEY: a client certificate needs both NATS_TLS_CERT and NATS_TLS_KEY',
    );
  });

  it("logs in as the configured user, over TLS when a CA is given, with replies on the user's own inbox prefix", () => {
    const config = load({
      NATS_URL: 'tls://nats-1:4222, tls://nats-2:4222',
      NATS_USER: 'intake',
      NATS_PASSWORD: 'p',
      NATS_TLS_CA: import.meta.filename,
    });
    expect(busConnectionOptions(config, 'intake')).toEqual({
      servers: ['tls://nats-1:4222', 'tls://nats-2:4222'],
      name: 'intake',
      inboxPrefix: '_INBOX_intake',
      user: 'intake',
      pass: 'p',
      tls: { caFile: import.meta.filename, certFile: undefined, keyFile: undefined },
    });
  });

  it("outside local mode, needs the service's own bus login with a real password, naming the variable", () => {
    const production = { JIT_MODE: 'production', DATABASE_URL: 'postgres://demo:Qx7-operator-chosen-4v@db.internal:5432/jit' };
    expect(() => loadConfig(service, production)).toThrow(
      "invalid configuration for demo: NATS_USER: required outside local mode (JIT_MODE=local): the service's own bus user, with NATS_PASSWORD (or NATS_NKEY_SEED instead)",
    );
    expect(() => loadConfig(service, { ...production, NATS_USER: 'intake', NATS_PASSWORD: 'short' })).toThrow(
      /NATS_PASSWORD: is too short/,
    );
    expect(loadConfig(service, { ...production, NATS_USER: 'intake', NATS_PASSWORD: 'Hq3vN8-operator-chosen-Zt5' })).toMatchObject({
      NATS_USER: 'intake',
    });
    expect(loadConfig(service, { ...production, NATS_NKEY_SEED: `SU${'A'.repeat(56)}` }).NATS_NKEY_SEED).toBeDefined();
    expect(load({}).NATS_USER).toBeUndefined();
  });

  it('never puts the password in a configuration error', () => {
    expect(() => load({ NATS_USER: 'intake', NATS_PASSWORD: 'hunter2-secret', NATS_TLS_CERT: '/nope' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2-secret') }),
    );
  });
});
