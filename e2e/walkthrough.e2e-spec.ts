import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectTestNats, createTestDatabase, deleteTopology, testNatsUrl, testTopology, topologyEnv, waitFor } from '@jit/events/testing';
import { root } from './support/processes.js';

// Fixed ports below the kernel's ephemeral range (32768-60999), apart from the other e2e tests' (291xx, 292xx, 294xx).
const ports = { intake: 29300, approval: 29301, provisioner: 29302, scheduler: 29303, audit: 29304, sim: 29311 };
/** The README's default ports, and the ones this test runs the system on instead. */
const readmePorts: [number, number][] = [
  [3000, ports.intake],
  [3001, ports.approval],
  [3002, ports.provisioner],
  [3003, ports.scheduler],
  [3004, ports.audit],
  [4010, ports.sim],
];

/** The shell block(s) of the README's "What to try" section: what a newcomer pastes. */
function walkthrough(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### What to try'), readme.indexOf('\n## ', readme.indexOf('### What to try')));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map(([, body]) => body);
  expect(blocks.length).toBeGreaterThan(0);
  // Only the ports change: the system under test must not take the README's defaults from a developer's running one.
  return readmePorts.reduce((script, [from, to]) => script.replaceAll(`localhost:${from}`, `localhost:${to}`), blocks.join('\n'));
}

/** Runs a script with bash as one paste into a shell would (no `set -e`: a failing step does not stop the rest). */
function runBash(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(script);
  });
}

describe('the README walkthrough', () => {
  const topology = testTopology('walkthrough');
  let system: ChildProcess | undefined;
  let dataDir: string | undefined;

  afterAll(async () => {
    if (system && system.exitCode === null) {
      const exited = new Promise((resolve) => system!.once('exit', resolve));
      system.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    const nc = await connectTestNats();
    await deleteTopology(nc, topology);
    await nc.close();
  });

  it('pasted whole into a shell against npm start, ends with the grant revoked and the audit chain verified', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'jit-walkthrough-'));
    system = spawn('npm', ['start'], {
      cwd: root,
      env: {
        ...process.env,
        INTAKE_PORT: String(ports.intake),
        APPROVAL_PORT: String(ports.approval),
        PROVISIONER_PORT: String(ports.provisioner),
        SCHEDULER_PORT: String(ports.scheduler),
        AUDIT_PORT: String(ports.audit),
        VENDOR_SIM_PORT: String(ports.sim),
        DATABASE_URL: await createTestDatabase('walkthrough'),
        NATS_URL: testNatsUrl,
        JIT_DATA_DIR: dataDir,
        ...topologyEnv(topology),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    system.stdout!.on('data', (c) => (output += c));
    system.stderr!.on('data', (c) => (output += c));
    await waitFor(() => output.includes('JIT Access is running.'), { timeoutMs: 120_000, what: 'the start banner' }).catch(
      (error: Error) => {
        throw new Error(`${error.message}; output so far:\n${output}`);
      },
    );

    const run = await runBash(walkthrough());
    const lines = run.stdout.trim().split('\n');
    const context = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
    expect({ stderr: run.stderr, context }).toEqual({ stderr: '', context });

    const json: unknown[] = lines.map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        throw new Error(`a step printed something other than one JSON line: ${line}\n${context}`);
      }
    });
    // Step 3: the grant was waited for and reached, and alice is in the Okta group.
    expect(json).toContainEqual(expect.objectContaining({ status: 'granted', wait: { for: 'granted', outcome: 'reached' } }));
    expect(json).toContainEqual(['alice@example.com']);
    // Step 4: the revocation was waited for and reached.
    expect(json).toContainEqual(
      expect.objectContaining({ status: 'revoked', reason: 'relinquished', wait: { for: 'revoked', outcome: 'reached' } }),
    );
    // Step 5: the timeline holds the whole life and the chain verifies.
    const timeline = json.find((value): value is string[] => Array.isArray(value) && value.includes('requested'));
    expect(timeline).toEqual(expect.arrayContaining(['requested', 'approval_opened', 'approved', 'granted', 'revoke_requested']));
    expect(json.at(-1)).toEqual({ ok: true, checked: expect.any(Number) });
  }, 240_000);
});
