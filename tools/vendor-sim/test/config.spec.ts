import { optionsFromEnv } from '../src/config.js';

describe('standalone simulator configuration', () => {
  it('defaults to port 4010 on every interface with no generated people', () => {
    expect(optionsFromEnv({})).toMatchObject({
      port: 4010,
      host: '0.0.0.0',
      generatedPeople: undefined,
      oktaRateLimitPerMinute: undefined,
    });
  });

  it('reads the number of generated people and the Okta budget, an empty value meaning the default', () => {
    expect(optionsFromEnv({ VENDOR_SIM_SEED_PEOPLE: '1000', VENDOR_SIM_OKTA_RATE_LIMIT: '600', VENDOR_SIM_PORT: '' })).toMatchObject({
      port: 4010,
      generatedPeople: 1000,
      oktaRateLimitPerMinute: 600,
    });
  });

  it('names every bad variable in one message', () => {
    const read = () => optionsFromEnv({ VENDOR_SIM_SEED_PEOPLE: 'many', VENDOR_SIM_PORT: '-1', VENDOR_SIM_PUBLIC_URL: 'not a url' });

    expect(read).toThrow(/VENDOR_SIM_PORT: .*VENDOR_SIM_PUBLIC_URL: .*VENDOR_SIM_SEED_PEOPLE: /);
  });

  it('refuses more generated people than the simulator holds', () => {
    expect(() => optionsFromEnv({ VENDOR_SIM_SEED_PEOPLE: '100001' })).toThrow(/VENDOR_SIM_SEED_PEOPLE/);
  });
});
