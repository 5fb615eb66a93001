import { z } from 'zod';
import { ConfigError, loadConfig } from '@jit/platform';

describe('configuration, validated once at start-up', () => {
  const service = {
    name: 'demo',
    defaultPort: 3999,
    env: z.object({ TOKEN: z.string().optional(), SECRET: z.string().optional() }),
    rules: (values: { TOKEN?: string; SECRET?: string }, ctx: z.RefinementCtx) => {
      if (values.TOKEN && !values.SECRET) ctx.addIssue({ code: 'custom', path: ['SECRET'], message: 'required when TOKEN is set' });
    },
  };

  // Local mode, so that only the rules under test speak (production's own are in modes.spec.ts).
  const local = { JIT_MODE: 'local' };

  it('applies defaults and the service port variable', () => {
    expect(loadConfig(service, local)).toMatchObject({ SERVICE_NAME: 'demo', PORT: 3999, DEMO_PORT: 3999 });
  });

  it('reports a broken rule between variables like any bad variable, naming it', () => {
    expect(() => loadConfig(service, { ...local, TOKEN: 'xoxb' })).toThrow(ConfigError);
    expect(() => loadConfig(service, { ...local, TOKEN: 'xoxb' })).toThrow(
      'invalid configuration for demo: SECRET: required when TOKEN is set',
    );
    expect(loadConfig(service, { ...local, TOKEN: 'xoxb', SECRET: 's' })).toMatchObject({ TOKEN: 'xoxb', SECRET: 's' });
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig(service, { ...local, DEMO_PORT: 'x', CONSUMER_BACKOFF_MS: 'soon' })).toThrow(
      /CONSUMER_BACKOFF_MS: .*; DEMO_PORT: /,
    );
  });
});
