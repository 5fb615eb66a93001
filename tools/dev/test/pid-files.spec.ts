import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearStalePidFile, processRuns, readSupervisorRecord, writeSupervisorRecord } from '../pid-files.js';

describe('PID files a crashed npm start leaves behind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jit-pid-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.once('exit', resolve));
    return child.pid!;
  }

  it('removes a PID file naming a process that is gone', async () => {
    const file = join(dir, 'dead.pid');
    const pid = await deadPid();
    writeFileSync(file, `${pid}\n`);
    expect(clearStalePidFile(file, 'node')).toEqual({ state: 'cleared', pid });
    expect(existsSync(file)).toBe(false);
  });

  it('removes a PID file whose pid went to another program since', () => {
    const file = join(dir, 'reused.pid');
    writeFileSync(file, `${process.pid}\nmore lines, as in postmaster.pid\n`);
    expect(clearStalePidFile(file, 'nats-server')).toEqual({ state: 'cleared', pid: process.pid });
    expect(existsSync(file)).toBe(false);
  });

  it('keeps a PID file whose process still runs the program it names', () => {
    const file = join(dir, 'running.pid');
    writeFileSync(file, `${process.pid}\n`);
    expect(clearStalePidFile(file, 'jest')).toEqual({ state: 'running', pid: process.pid });
    expect(existsSync(file)).toBe(true);
    expect(processRuns(process.pid, 'jest')).toBe(true);
  });

  it('removes a PID file that names no pid at all', () => {
    const file = join(dir, 'garbage.pid');
    writeFileSync(file, 'not a pid\n');
    expect(clearStalePidFile(file, 'postgres')).toEqual({ state: 'cleared', pid: undefined });
    expect(existsSync(file)).toBe(false);
  });

  it('reads back the record of the supervisor and its children, and nothing from a torn file', () => {
    const file = join(dir, 'supervisor.pid');
    const record = { pid: 12, children: [{ name: 'intake', pid: 13, command: 'apps/intake/src/main.ts' }] };
    writeSupervisorRecord(file, record);
    expect(readSupervisorRecord(file)).toEqual(record);
    writeFileSync(file, '{"pid": 1');
    expect(readSupervisorRecord(file)).toBeUndefined();
  });
});
