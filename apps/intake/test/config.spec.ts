import { DEMO_CATALOG_FILE } from '@jit/catalog';
import { loadConfig } from '@jit/platform';
import { intakeService } from '../src/service.js';

describe('intake configuration', () => {
  const production = { DATABASE_URL: 'postgres://intake:Vb6-operator-chosen-3q@db.internal:5432/jit' };

  it('refuses the demo catalog outside local mode (example.com owners, an auto-approved application), whether named or by default', () => {
    expect(() => loadConfig(intakeService, production)).toThrow(/CATALOG_FILE: names the demo catalog/);
    expect(() => loadConfig(intakeService, { ...production, CATALOG_FILE: DEMO_CATALOG_FILE })).toThrow(
      /CATALOG_FILE: names the demo catalog/,
    );
  });

  it("accepts the operator's catalog outside local mode and the demo catalog in local mode", () => {
    expect(loadConfig(intakeService, { ...production, CATALOG_FILE: '/etc/jit/catalog.json' })).toMatchObject({
      CATALOG_FILE: '/etc/jit/catalog.json',
    });
    expect(loadConfig(intakeService, { JIT_MODE: 'local' })).toMatchObject({ CATALOG_FILE: DEMO_CATALOG_FILE });
  });
});
