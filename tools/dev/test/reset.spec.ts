import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSupervisorRecord } from '../pid-files.js';
import { reset } from '../reset.js';

describe('npm run reset', () => {
  let root: string;
  let dataDir: string;
  let running: ChildProcess | undefined;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'reset-'));
    dataDir = join(root, '.data');
    for (const dir of ['postgres', 'nats', 'vendor-sim', 'dist/apps'])
      mkdirSync(join(dir.startsWith('dist') ? root : dataDir, dir), { recursive: true });
    writeFileSync(join(dataDir, 'postgres', 'PG_VERSION'), '18\n');
    writeFileSync(join(dataDir, 'vendor-sim', 'state.bin'), 'x'.repeat(2048));
    writeFileSync(join(dataDir, 'local-secrets.json'), '{}');
  });
  afterEach(() => {
    running?.kill();
    running = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  it('removes the data folder and the compiled services, saying what each was', () => {
    const outcome = reset({ root, dataDir });

    expect(outcome.ok).toBe(true);
    const lines = outcome.ok ? outcome.lines : [];
    expect(lines).toEqual([
      'removed .data/local-secrets.json (2 B): the demo API key and the Slack signing secret',
      'removed .data/nats (0 B): the local event stream and its generated bus users',
      'removed .data/postgres (3 B): the embedded Postgres: requests, approvals, grants, timers, the audit store, API keys',
      "removed .data/vendor-sim (2 KiB): the simulator's Okta, Jira and Slack state and its signing key (tokens minted so far stop working)",
      'removed dist (0 B): the compiled services (the next `npm start` compiles them again)',
    ]);
    expect(existsSync(dataDir)).toBe(false);
    expect(existsSync(join(root, 'dist'))).toBe(false);
  });

  it('says there was nothing to remove, and that a database of the developer’s own was left alone', () => {
    reset({ root, dataDir });

    expect(reset({ root, dataDir, databaseUrl: 'postgres://me@db/jit' })).toEqual({
      ok: true,
      lines: ['nothing to remove: no data folder, nothing compiled', 'DATABASE_URL is set: that database is yours and was not touched'],
    });
  });

  it('refuses, removing nothing, while npm start runs on the data folder', () => {
    running = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', 'tools/dev/start.js'], { stdio: 'ignore' });
    writeSupervisorRecord(join(dataDir, 'supervisor.pid'), { pid: running.pid!, children: [] });

    const outcome = reset({ root, dataDir });

    expect(outcome).toEqual({ ok: false, message: expect.stringContaining(`(pid ${running.pid})`) });
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
  });
});
