import { loadConfig } from '@jit/platform';
import { auditService } from '../src/service.js';

describe('audit configuration', () => {
  const production = { DATABASE_URL: 'postgres://audit:Yr2-operator-chosen-8n@db.internal:5432/jit' };

  it('names no auditor unless the operator does (no demo person in production code)', () => {
    expect(loadConfig(auditService, production)).toMatchObject({ AUDITORS: [] });
  });

  it('keeps the auditors the operator names, in canonical form', () => {
    expect(loadConfig(auditService, { ...production, AUDITORS: ' Dave@Example.com , erin@example.com,' })).toMatchObject({
      AUDITORS: ['dave@example.com', 'erin@example.com'],
    });
  });
});
