import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { busServices, busUsers, defaultTopology, eventOwners, eventTypes, subjectFor } from '@jit/events';
import { clusterNatsConfig, passwordVariableOf } from '../nats-config.js';

const root = join(import.meta.dirname, '../../..');
const committed = readFileSync(join(root, 'deploy/nats/nats.conf'), 'utf8');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { command?: string[]; environment?: Record<string, string>; volumes?: string[] }>;
};

/** The publish allow list of one user in the generated configuration. */
function publishAllowed(user: string): string[] {
  const line = committed.split('\n').find((l) => l.includes(`user: "${user}"`));
  const allow = /publish: \{ allow: (\[[^\]]*\])/.exec(line ?? '')?.[1];
  return allow ? (JSON.parse(allow) as string[]) : [];
}

describe('the cluster NATS configuration (deploy/nats/nats.conf)', () => {
  it('is what the generator makes from the ownership table today (regenerate with tools/dev/nats-config.ts)', () => {
    expect(committed).toBe(clusterNatsConfig());
  });

  it.each(busServices.map((s) => [s]))('lets %s publish exactly the event types it owns', (service) => {
    const events = publishAllowed(service).filter((subject) => subject.startsWith(`${defaultTopology.prefix}.`));
    const owned = eventTypes.filter((type) => eventOwners[type].includes(service)).map((type) => subjectFor(defaultTopology, type));
    expect(events.sort()).toEqual(owned.sort());
  });

  it('gives no user but the CLI a wildcard over events, and reads every password from the environment', () => {
    for (const service of busServices) expect(publishAllowed(service).filter((s) => s.startsWith('access.') && /[*>]/.test(s))).toEqual([]);
    for (const user of [...busUsers, 'admin' as const])
      expect(committed).toContain(`user: "${user}", password: $${passwordVariableOf(user)}`);
    expect(committed).not.toMatch(/password: "/);
  });

  it('requires TLS from clients and mutual TLS between the nodes', () => {
    expect(committed).toMatch(/^tls \{\n {2}cert_file/m);
    expect(committed).toMatch(/cluster \{[\s\S]*tls \{[\s\S]*verify: true/);
  });
});

describe('docker-compose.yml bus settings', () => {
  it.each(busServices.map((s) => [s]))('logs %s in as its own user over TLS, with a password compose refuses to default', (service) => {
    const env = compose.services[service].environment!;
    expect(env.NATS_USER).toBe(service);
    expect(env.NATS_PASSWORD).toMatch(new RegExp(`^\\$\\{${passwordVariableOf(service)}:\\?.+\\}$`));
    expect(env.NATS_TLS_CA).toBe('/etc/jit/nats-ca.pem');
    expect(compose.services[service].volumes).toContain('./deploy/nats/certs/ca.pem:/etc/jit/nats-ca.pem:ro');
  });

  it.each(['nats-1', 'nats-2', 'nats-3'])('runs %s from the generated configuration with every password required', (node) => {
    const { command, environment, volumes } = compose.services[node];
    expect(command).toEqual(['--config', '/etc/nats/nats.conf']);
    expect(volumes).toContain('./deploy/nats/nats.conf:/etc/nats/nats.conf:ro');
    expect(environment?.NATS_SERVER_NAME).toBe(node);
    for (const user of [...busUsers, 'admin' as const])
      expect(environment?.[passwordVariableOf(user)]).toMatch(/^\$\{JIT_NATS_[A-Z]+_PASSWORD:\?.+\}$/);
  });
});
