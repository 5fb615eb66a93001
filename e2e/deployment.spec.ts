import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { loadConfig, type ServiceDefinition } from '@jit/platform';
import { approvalService } from '../apps/approval/src/service.js';
import { auditService } from '../apps/audit/src/service.js';
import { intakeService } from '../apps/intake/src/service.js';
import { provisionerService } from '../apps/provisioner/src/service.js';
import { schedulerService } from '../apps/scheduler/src/service.js';
import { root } from './support/processes.js';

const definitions: ServiceDefinition[] = [intakeService, approvalService, provisionerService, schedulerService, auditService];

interface ComposeService {
  build?: { target: string };
  environment?: Record<string, string>;
}

const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, ComposeService>;
};
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

/** Compose's interpolation: `${VAR:-default}` and `${VAR:?message}` (which refuses an unset VAR) against `env`. */
function interpolate(value: string, env: Record<string, string>): string {
  return String(value).replace(/\$\{([A-Z0-9_]+)(?::-([^}]*)|:\?([^}]*))\}/g, (_, name: string, fallback?: string, message?: string) => {
    if (env[name]) return env[name];
    if (message !== undefined) throw new Error(`compose refuses: ${name}: ${message}`);
    return fallback ?? '';
  });
}

/** The file without its comments, which compose does not interpolate. */
const composeBody = composeText.replace(/^\s*#.*$/gm, '');

/** Variables compose requires (`${VAR:?...}`), in the order they appear. */
const required = [...new Set([...composeBody.matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1]))];

/** The secrets whose exact form matters (URLs, the Slack token's prefix); they must stay required. */
const shapedSecrets: Record<string, string> = {
  POSTGRES_PASSWORD: 'Kf3-operator-chosen-database-password-71',
  OIDC_ISSUER: 'https://acme.okta.com/oauth2/default',
  OKTA_ORG_URL: 'https://acme.okta.com',
  OKTA_API_TOKEN: '00Lk3rT9vQ2xWm8ZpA7sYd4HnB6cJfE1gU5iO0tRq',
  JIRA_HOST: 'https://acme.atlassian.net',
  JIRA_EMAIL: 'jit-bot@acme.com',
  JIRA_API_TOKEN: 'ATATT3xFfGF0q8yH2kLmN4pR6sT9vW1zB3cD5eF7gH9j',
  SLACK_BOT_TOKEN: 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx',
  SLACK_SIGNING_SECRET: '8f14e45fceea167a5a36dedd4bea2543',
  JIT_CATALOG_FILE: '/srv/jit/catalog.json',
};

/** What an operator sets before `docker compose up`: every required variable, each secret random, https everywhere. */
const operatorEnv: Record<string, string> = {
  ...Object.fromEntries(required.map((name) => [name, randomBytes(24).toString('base64url')])),
  ...shapedSecrets,
};

describe('docker-compose.yml', () => {
  it('passes dclint against the Compose specification', async () => {
    const { stdout } = await promisify(execFile)(join(root, 'node_modules/.bin/dclint'), ['docker-compose.yml'], { cwd: root });
    expect(stdout.trim()).toBe('');
  });

  it.each(definitions.map((d) => [d.name, d] as const))(
    'gives %s an environment its config schema accepts in production mode once the operator sets the secrets',
    (name, definition) => {
      const service = compose.services[name];
      expect(service.build?.target).toBe(name);
      const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v, operatorEnv)]));
      const config = loadConfig(definition, env);
      expect(config).toMatchObject({ JIT_MODE: 'production', HOST: '0.0.0.0', JETSTREAM_REPLICAS: 3 });
    },
  );

  it('ships no default secret: compose refuses to start until each is set, naming it', () => {
    expect(required).toEqual(expect.arrayContaining(Object.keys(shapedSecrets)));
    expect(composeText).not.toMatch(/JIT_DEMO_API_KEY/);
    for (const name of required) {
      expect(composeBody).not.toContain(`\${${name}:-`);
      const { [name]: _unset, ...rest } = operatorEnv;
      expect(() => interpolate(composeBody, rest)).toThrow(new RegExp(`compose refuses: ${name}: set ${name}`));
    }
  });

  it('runs a 3-node JetStream cluster and no vendor simulator (services outside local mode refuse it)', () => {
    for (const node of ['nats-1', 'nats-2', 'nats-3']) expect(compose.services[node]).toBeDefined();
    expect(compose.services['vendor-sim']).toBeUndefined();
  });

  it('builds every service from one Dockerfile as a non-root user with a health check, running the compiled JavaScript', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    for (const definition of definitions) {
      const stage = dockerfile.split(/^FROM /m).find((s) => s.startsWith(`runtime AS ${definition.name}\n`));
      expect(stage).toMatch(new RegExp(`HEALTHCHECK .*127\\.0\\.0\\.1:${definition.defaultPort}/readyz`));
      expect(stage).toContain(`"dist/apps/${definition.name}/src/main.js"`);
    }
  });
});
