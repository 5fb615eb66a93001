import { execFile } from 'node:child_process';
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
  profiles?: string[];
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

/** Compose's `${VAR:-default}` with nothing set in the environment. */
function interpolate(value: string): string {
  return String(value).replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
}

describe('docker-compose.yml', () => {
  it('passes dclint against the Compose specification', async () => {
    const { stdout } = await promisify(execFile)(join(root, 'node_modules/.bin/dclint'), ['docker-compose.yml'], { cwd: root });
    expect(stdout.trim()).toBe('');
  });

  it.each(definitions.map((d) => [d.name, d] as const))('gives %s an environment its config schema accepts', (name, definition) => {
    const service = compose.services[name];
    expect(service.build?.target).toBe(name);
    const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v)]));
    const config = loadConfig(definition, env);
    expect(config).toMatchObject({ HOST: '0.0.0.0', JETSTREAM_REPLICAS: 3 });
  });

  it('runs a 3-node JetStream cluster and keeps the simulator in the demo profile', () => {
    for (const node of ['nats-1', 'nats-2', 'nats-3']) expect(compose.services[node]).toBeDefined();
    expect(compose.services['vendor-sim'].profiles).toEqual(['demo']);
  });

  it('builds every service from one Dockerfile as a non-root user with a health check', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    for (const definition of definitions) {
      const stage = dockerfile.split(/^FROM /m).find((s) => s.startsWith(`runtime AS ${definition.name}\n`));
      expect(stage).toMatch(new RegExp(`HEALTHCHECK .*127\\.0\\.0\\.1:${definition.defaultPort}/readyz`));
      expect(stage).toContain(`apps/${definition.name}/src/main.ts`);
    }
  });
});
