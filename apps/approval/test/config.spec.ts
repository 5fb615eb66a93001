import { ConfigError, loadConfig } from '@jit/platform';
import { approvalService } from '../src/service.js';

/** An approval service as an operator configures it outside local mode. */
const production = {
  DATABASE_URL: 'postgres://approval:Wq4-operator-chosen-2k@db.internal:5432/jit',
  NATS_USER: 'approval',
  NATS_PASSWORD: 'Nt8-operator-chosen-bus-4r',
  OIDC_ISSUER: 'https://acme.okta.com/oauth2/default',
  OKTA_ORG_URL: 'https://acme.okta.com',
  OKTA_API_TOKEN: '00Lk3rT9vQ2xWm8ZpA7sYd4HnB6cJfE1gU5iO0tRq',
  SLACK_BOT_TOKEN: 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx',
  SLACK_SIGNING_SECRET: '8f14e45fceea167a5a36dedd4bea2543',
  CATALOG_FILE: '/etc/jit/catalog.json',
};

function refusal(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(approvalService, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('approval configuration outside local mode', () => {
  it('accepts real Okta and Slack settings', () => {
    expect(loadConfig(approvalService, production)).toMatchObject({
      JIT_MODE: 'production',
      SLACK_SIGNING_SECRET: production.SLACK_SIGNING_SECRET,
    });
  });

  it.each([
    ['SLACK_SIGNING_SECRET', 'sim-signing-secret'],
    ['SLACK_BOT_TOKEN', 'xoxb-sim-token'],
    ['OKTA_API_TOKEN', 'sim-okta-token'],
  ])('refuses the shipped %s, naming it and not its value', (name, value) => {
    const message = refusal({ ...production, [name]: value });
    expect(message).toMatch(new RegExp(`${name}: is a demo or test value`));
    expect(message).not.toContain(value);
  });

  it('refuses the demo catalog, whose rules the dry run would show', () => {
    const { CATALOG_FILE: _missing, ...withoutCatalog } = production;
    expect(refusal(withoutCatalog)).toMatch(/CATALOG_FILE: names the demo catalog/);
  });

  it('refuses a bot token without its signing secret (clicks could not be verified)', () => {
    const { SLACK_SIGNING_SECRET: _missing, ...withoutSecret } = production;
    expect(refusal(withoutSecret)).toMatch(/SLACK_SIGNING_SECRET: required when SLACK_BOT_TOKEN is set/);
  });

  it.each(['OKTA_ORG_URL', 'SLACK_API_URL'])('refuses a plain-HTTP %s (the simulator)', (name) => {
    expect(refusal({ ...production, [name]: 'http://vendor-sim:4010/' })).toMatch(new RegExp(`${name}: must be an https:// URL`));
  });

  it('accepts the simulator and its tokens in local mode', () => {
    const local = {
      JIT_MODE: 'local',
      OKTA_ORG_URL: 'http://127.0.0.1:4010',
      OKTA_API_TOKEN: 'sim-okta-token',
      SLACK_BOT_TOKEN: 'xoxb-sim-token',
      SLACK_SIGNING_SECRET: 'sim-signing-secret',
      SLACK_API_URL: 'http://127.0.0.1:4010/api/',
    };
    expect(loadConfig(approvalService, local)).toMatchObject({ JIT_MODE: 'local', SLACK_SIGNING_SECRET: 'sim-signing-secret' });
  });
});
