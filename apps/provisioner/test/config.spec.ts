import { DEMO_CATALOG_FILE } from '@jit/catalog';
import { ConfigError, loadConfig } from '@jit/platform';
import { provisionerService } from '../src/service.js';

/** A provisioner as an operator configures it outside local mode. */
const production = {
  DATABASE_URL: 'postgres://provisioner:Zt8-operator-chosen-5m@db.internal:5432/jit',
  CATALOG_FILE: '/etc/jit/catalog.json',
  OKTA_ORG_URL: 'https://acme.okta.com',
  OKTA_API_TOKEN: '00Lk3rT9vQ2xWm8ZpA7sYd4HnB6cJfE1gU5iO0tRq',
  JIRA_HOST: 'https://acme.atlassian.net',
  JIRA_EMAIL: 'jit-bot@acme.com',
  JIRA_API_TOKEN: 'ATATT3xFfGF0q8yH2kLmN4pR6sT9vW1zB3cD5eF7gH9j',
};

function refusal(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(provisionerService, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('provisioner configuration outside local mode', () => {
  it('accepts real Okta and Jira settings and the operator catalog', () => {
    expect(loadConfig(provisionerService, production)).toMatchObject({ JIT_MODE: 'production', CATALOG_FILE: '/etc/jit/catalog.json' });
  });

  it.each([
    ['OKTA_API_TOKEN', 'sim-okta-token'],
    ['JIRA_API_TOKEN', 'sim-jira-token'],
  ])('refuses the shipped %s, naming it and not its value', (name, value) => {
    const message = refusal({ ...production, [name]: value });
    expect(message).toMatch(new RegExp(`${name}: is a demo or test value`));
    expect(message).not.toContain(value);
  });

  it.each(['OKTA_ORG_URL', 'JIRA_HOST'])('refuses a plain-HTTP %s (the simulator)', (name) => {
    expect(refusal({ ...production, [name]: 'http://vendor-sim:4010' })).toMatch(new RegExp(`${name}: must be an https:// URL`));
  });

  it('refuses the demo catalog, whether named or left to the default', () => {
    const { CATALOG_FILE: _default, ...withoutCatalog } = production;
    expect(refusal(withoutCatalog)).toMatch(/CATALOG_FILE: names the demo catalog/);
    expect(refusal({ ...production, CATALOG_FILE: DEMO_CATALOG_FILE })).toMatch(/CATALOG_FILE: names the demo catalog/);
  });

  it('accepts the simulator, its tokens and the demo catalog in local mode', () => {
    const local = {
      JIT_MODE: 'local',
      OKTA_ORG_URL: 'http://127.0.0.1:4010',
      OKTA_API_TOKEN: 'sim-okta-token',
      JIRA_HOST: 'http://127.0.0.1:4010',
      JIRA_EMAIL: 'jit@example.com',
      JIRA_API_TOKEN: 'sim-jira-token',
    };
    expect(loadConfig(provisionerService, local)).toMatchObject({ JIT_MODE: 'local', CATALOG_FILE: DEMO_CATALOG_FILE });
  });
});
