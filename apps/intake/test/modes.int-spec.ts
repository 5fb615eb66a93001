import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { connectTestNats, createTestDatabase, deleteTopology, testTopology, waitFor } from '@jit/events/testing';
import { testServiceEnv } from '@jit/platform/testing';
import { intakeService } from '../src/service.js';
import { runIntakeProcess } from './support/intake.js';
import { compiledPath } from '../../../tools/dev/node-options.js';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe('modes, with intake as its own process', () => {
  it('outside local mode, a process given the demo key exits 1 naming JIT_DEMO_API_KEY, and never prints the key', async () => {
    const key = 'jit_demo_c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWs';
    const run = await runIntakeProcess('intake_production_demo_key', {
      JIT_MODE: 'production',
      NATS_USER: 'intake',
      NATS_PASSWORD: 'Nt8-operator-chosen-bus-4r',
      JIT_DEMO_API_KEY: key,
      CATALOG_FILE: '/etc/jit/catalog.json',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/invalid configuration for intake: JIT_DEMO_API_KEY: not allowed outside local mode/);
    expect(run.stderr).not.toContain(key);
  });

  it('in local mode, a key and a token presented to the service never reach its logs, even at trace level', async () => {
    const key = 'local-key-that-must-never-be-logged-1234';
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.bm90LWEtc2lnbmF0dXJl';
    const topology = testTopology('intake_logs');
    const databaseUrl = await createTestDatabase('intake_logs');
    const child = spawn(process.execPath, [compiledPath('apps/intake/src/main.ts')], {
      cwd: repositoryRoot,
      env: { ...process.env, ...testServiceEnv(intakeService, databaseUrl, topology, { LOG_LEVEL: 'trace', JIT_DEMO_API_KEY: key }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const url = await waitFor(() => /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1], { timeoutMs: 60_000, what: 'intake to listen' });
      const withKey = await fetch(`${url}/v1/requests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'on-behalf-of': 'alice@example.com', 'content-type': 'application/json' },
        body: JSON.stringify({ applicationId: 'no-such-application', duration: 'PT15M', justification: 'a refused request is logged' }),
      });
      expect(withKey.status).toBeGreaterThanOrEqual(400);
      const withToken = await fetch(`${url}/v1/applications`, { headers: { authorization: `Bearer ${token}` } });
      expect(withToken.status).toBe(401);
      // The request log line of the last call is the proof that logging ran with both in hand.
      await waitFor(() => output.includes('/v1/applications'), { what: 'the request log' });
    } finally {
      child.kill('SIGTERM');
      await once(child, 'close');
      const nc = await connectTestNats();
      await deleteTopology(nc, topology);
      await nc.close();
    }
    expect(output).not.toContain(key);
    expect(output).not.toContain(token);
  });
});
