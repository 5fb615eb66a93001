import { ConfigError, loadConfig } from '@jit/platform';
import { auditService } from '../src/service.js';

describe('audit configuration', () => {
  const production = {
    DATABASE_URL: 'postgres://audit:Yr2-operator-chosen-8n@db.internal:5432/jit',
    DATABASE_OWNER_URL: 'postgres://jit:Qz7-operator-chosen-owner-3k@db.internal:5432/jit',
    AUDIT_SIGNING_KEY_FILE: '/run/secrets/audit-signing-key.pem',
    NATS_USER: 'audit',
    NATS_PASSWORD: 'Nt8-operator-chosen-bus-4r',
  };

  it('names no auditor unless the operator does (no demo person in production code)', () => {
    expect(loadConfig(auditService, production)).toMatchObject({ AUDITORS: [] });
  });

  it('keeps the auditors the operator names, in canonical form', () => {
    expect(loadConfig(auditService, { ...production, AUDITORS: ' Dave@Example.com , erin@example.com,' })).toMatchObject({
      AUDITORS: ['dave@example.com', 'erin@example.com'],
    });
  });

  it("outside local mode requires the tables' owner and the signing key, naming each, never defaulting them", () => {
    const { DATABASE_OWNER_URL: _, AUDIT_SIGNING_KEY_FILE: __, ...without } = production;
    expect(() => loadConfig(auditService, without)).toThrow(ConfigError);
    expect(() => loadConfig(auditService, without)).toThrow(
      /DATABASE_OWNER_URL: required outside local mode.*AUDIT_SIGNING_KEY_FILE: required outside local mode/,
    );
  });

  it('refuses a service role that is the owner: the service may only insert and select', () => {
    expect(() =>
      loadConfig(auditService, { ...production, DATABASE_URL: 'postgres://jit:Qz7-operator-chosen-owner-3k@db.internal:5432/jit' }),
    ).toThrow(/DATABASE_URL: must log in as a role other than DATABASE_OWNER_URL's/);
  });

  it('refuses an owner URL with a password the repository ships', () => {
    expect(() =>
      loadConfig(auditService, { ...production, DATABASE_OWNER_URL: 'postgres://postgres:postgres@db.internal:5432/jit' }),
    ).toThrow(/DATABASE_OWNER_URL: its password is one the repository ships/);
  });

  it('in local mode needs neither: the service migrates itself and generates a key under .data/', () => {
    const config = loadConfig(auditService, { JIT_MODE: 'local' });
    expect(config.DATABASE_OWNER_URL).toBeUndefined();
    expect(config.AUDIT_SIGNING_KEY_FILE).toBeUndefined();
  });
});
