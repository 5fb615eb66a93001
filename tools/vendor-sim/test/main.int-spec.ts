import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { compiledPath } from '../../dev/node-options.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Starts `src/main.ts` as its own process with extra environment variables. */
function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, [compiledPath('tools/vendor-sim/src/main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, VENDOR_SIM_PORT: '0', VENDOR_SIM_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextJsonLine = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done) throw new Error(`vendor-sim stopped logging; its stderr: ${stderr}`);
    return JSON.parse(line.value as string);
  };
  return { child, exited, nextJsonLine, stderr: () => stderr };
}

describe('standalone vendor-sim (src/main.ts)', () => {
  it('listens on VENDOR_SIM_PORT, logs one JSON line per request and exits cleanly on SIGTERM', async () => {
    const { child, exited, nextJsonLine } = startMain({});

    try {
      const started = await nextJsonLine();
      expect(started).toMatchObject({
        service: 'vendor-sim',
        msg: 'vendor-sim listening',
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      });

      const health = await fetch(`${started.url as string}/_sim/health`);
      expect(await health.json()).toEqual({ ok: true });
      expect(await nextJsonLine()).toMatchObject({ service: 'vendor-sim', method: 'GET', path: '/_sim/health', status: 200 });
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code).toBe(0);
  }, 30_000);

  it('seeds VENDOR_SIM_SEED_PEOPLE generated people into Okta and Slack', async () => {
    const { child, exited, nextJsonLine } = startMain({ VENDOR_SIM_SEED_PEOPLE: '25' });

    try {
      const started = await nextJsonLine();
      expect(started).toMatchObject({ msg: 'vendor-sim listening', generatedPeople: 25 });

      const okta = await fetch(`${started.url as string}/api/v1/users/user0025@example.com`, { headers: { authorization: 'SSWS t' } });
      const slack = await fetch(`${started.url as string}/api/users.lookupByEmail?email=user0025@example.com`, {
        headers: { authorization: 'Bearer xoxb-t' },
      });
      expect([okta.status, ((await slack.json()) as { ok: boolean }).ok]).toEqual([200, true]);
      expect(
        await fetch(`${started.url as string}/api/v1/users/user0026@example.com`, { headers: { authorization: 'SSWS t' } }),
      ).toMatchObject({
        status: 404,
      });
    } finally {
      child.kill('SIGTERM');
    }
    await exited;
  }, 30_000);

  it('refuses to start on a bad VENDOR_SIM_SEED_PEOPLE, naming it', async () => {
    const { exited, stderr } = startMain({ VENDOR_SIM_SEED_PEOPLE: 'lots' });

    const [code] = await exited;

    expect(code).toBe(1);
    expect(stderr()).toMatch(/invalid environment: VENDOR_SIM_SEED_PEOPLE: /);
  }, 30_000);
});
