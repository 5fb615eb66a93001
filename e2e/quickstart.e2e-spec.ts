import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectTestNats, deleteTopology, testNatsUrl, testTopology, topologyEnv, waitFor } from '@jit/events/testing';
import { root } from './support/processes.js';

// Fixed ports below the kernel's ephemeral range (32768-60999), so no outgoing connection of another test holds one.
const ports = { INTAKE_PORT: '29100', APPROVAL_PORT: '29101', PROVISIONER_PORT: '29102', SCHEDULER_PORT: '29103', AUDIT_PORT: '29104' };

describe('npm start', () => {
  const topology = testTopology('quickstart');

  afterAll(async () => {
    const nc = await connectTestNats();
    await deleteTopology(nc, topology);
    await nc.close();
  });

  it('runs the whole system with an embedded Postgres and the simulator, prints the demo key, restarts a killed service, and stops on SIGTERM', async () => {
    const child = spawn('npm', ['start'], {
      cwd: root,
      env: {
        ...process.env,
        ...ports,
        DATABASE_URL: '',
        NATS_URL: testNatsUrl,
        JIT_DATA_DIR: mkdtempSync(join(tmpdir(), 'jit-quickstart-')),
        EMBEDDED_POSTGRES_PORT: '29110',
        VENDOR_SIM_PORT: '29111',
        ...topologyEnv(topology),
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
      expect(output).toContain('LOCAL MODE: simulator, demo key, generated secrets — never expose');
      expect(output).toContain('intake       http://127.0.0.1:29100');
      const response = await fetch('http://127.0.0.1:29100/v1/applications', { headers: { authorization: `Bearer ${key}` } });
      expect(response.status).toBe(200);
      expect(JSON.stringify(await response.json())).toContain('demo-sandbox');
      // The web app: built by npm start when stale, served by the compiled intake at /.
      expect(output).toContain('web app      http://127.0.0.1:29100/');
      const page = await fetch('http://127.0.0.1:29100/');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      const sim = await fetch('http://127.0.0.1:29111/_sim/health');
      expect(sim.status).toBe(200);

      // A service that dies is started again: nothing would revoke access while it stayed down.
      const pids = () => [...output.matchAll(/"msg":"started scheduler","pid":(\d+)/g)].map((m) => Number(m[1]));
      const [first] = pids();
      process.kill(first, 'SIGKILL');
      await waitFor(() => output.includes('scheduler exited unexpectedly; restarting') && pids().length === 2, {
        what: 'the scheduler restarted',
      });
      expect(pids()[1]).not.toBe(first);
      await waitFor(
        () =>
          fetch('http://127.0.0.1:29103/readyz').then(
            (r) => r.ok,
            () => false,
          ),
        {
          timeoutMs: 60_000,
          what: 'the restarted scheduler ready',
        },
      );
    } finally {
      child.kill('SIGTERM');
    }
    await exited;
    // npm hands SIGTERM to the supervisor, which stops every service, the simulator and Postgres.
    for (const url of [...Object.values(ports).map((p) => `http://127.0.0.1:${p}/healthz`), 'http://127.0.0.1:29111/_sim/health']) {
      await waitFor(
        () =>
          fetch(url).then(
            () => false,
            () => true,
          ),
        { what: `${url} closed` },
      );
    }
    await waitFor(
      () =>
        new Promise<boolean>((resolve) =>
          connect(29110, '127.0.0.1')
            .once('connect', () => resolve(false))
            .once('error', () => resolve(true)),
        ),
      {
        what: 'embedded Postgres stopped',
      },
    );
  }, 150_000);
});
