import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, errors } from '@nats-io/transport-node';
import { waitFor } from '@jit/events/testing';
import { root } from './support/processes.js';

// Fixed ports below the kernel's ephemeral range (32768-60999), so no outgoing connection of another test holds one.
const ports = { INTAKE_PORT: '29200', APPROVAL_PORT: '29201', PROVISIONER_PORT: '29202', SCHEDULER_PORT: '29203', AUDIT_PORT: '29204' };
const natsPort = 29212;

describe('npm start without NATS_URL', () => {
  it('runs its own bus where each service logs in as its own user and nobody gets in without a password', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jit-quickstart-bus-'));
    const { NATS_URL: _external, ...inherited } = process.env;
    const child = spawn('npm', ['start'], {
      cwd: root,
      env: {
        ...inherited,
        ...ports,
        DATABASE_URL: '',
        JIT_NATS_PORT: String(natsPort),
        JIT_DATA_DIR: dataDir,
        EMBEDDED_POSTGRES_PORT: '29210',
        VENDOR_SIM_PORT: '29211',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const key = await waitFor(() => /demo API key (\S+)/.exec(output)?.[1], { timeoutMs: 90_000, what: 'the start banner' }).catch(
        (error: Error) => {
          throw new Error(`${error.message}; output so far:\n${output}`);
        },
      );
      const url = `nats://127.0.0.1:${natsPort}`;
      await expect(connect({ servers: url, reconnect: false })).rejects.toBeInstanceOf(errors.AuthorizationError);
      for (const file of ['nats.conf', 'cli.env']) expect(statSync(join(dataDir, 'nats', file)).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dataDir, 'nats', 'nats.conf'), 'utf8')).toContain('user: "provisioner"');

      // A request goes through intake, approval (auto) and the provisioner: each publishes its own events as its own user.
      const created = await fetch('http://127.0.0.1:29200/v1/requests', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ applicationId: 'demo-sandbox', duration: '10m', justification: 'bus e2e', requester: 'alice@example.com' }),
      });
      expect(created.status).toBe(202);
      const { id } = (await created.json()) as { id: string };
      await waitFor(
        async () => {
          const response = await fetch(`http://127.0.0.1:29200/v1/requests/${id}`, { headers: { authorization: `Bearer ${key}` } });
          return ((await response.json()) as { status: string }).status === 'granted';
        },
        { timeoutMs: 30_000, what: 'the request granted' },
      );
    } finally {
      child.kill('SIGTERM');
    }
    await exited;
    await waitFor(
      () =>
        new Promise<boolean>((resolve) =>
          connectTcp(natsPort, '127.0.0.1')
            .once('connect', () => resolve(false))
            .once('error', () => resolve(true)),
        ),
      { what: 'the local nats-server stopped' },
    );
  }, 150_000);
});
