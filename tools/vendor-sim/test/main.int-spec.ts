import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

describe('standalone vendor-sim (src/main.ts)', () => {
  it('listens on VENDOR_SIM_PORT, logs one JSON line per request and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'tools/vendor-sim/src/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, VENDOR_SIM_PORT: '0', VENDOR_SIM_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const nextJsonLine = async (): Promise<Record<string, unknown>> => JSON.parse((await lines.next()).value as string);

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
});
