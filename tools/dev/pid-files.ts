// PID files of `npm start`: what a crash leaves behind, and how the next start tells stale from running.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Whether `pid` is a live process whose command line contains `command`. A pid from a file may have
 * been reused by an unrelated program since, so a bare `kill(pid, 0)` is not enough where /proc exists.
 */
export function processRuns(pid: number, command: string): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!existsSync('/proc')) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(command);
  } catch {
    return false;
  }
}

/** The pid on the first line of a PID file (nats-server's, Postgres' postmaster.pid), if the file exists. */
export function pidInFile(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]!.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** What a PID file says: nothing there, a process that still runs, or a stale file that was just removed. */
export type PidFileState = { state: 'absent' } | { state: 'running'; pid: number } | { state: 'cleared'; pid: number | undefined };

/**
 * Removes `file` unless the process it names still runs `command`. A crash (or a SIGKILL) leaves
 * these files behind; the programs that own them either refuse to start over one or trust it.
 */
export function clearStalePidFile(file: string, command: string): PidFileState {
  if (!existsSync(file)) return { state: 'absent' };
  const pid = pidInFile(file);
  if (pid !== undefined && processRuns(pid, command)) return { state: 'running', pid };
  rmSync(file, { force: true });
  return { state: 'cleared', pid };
}

/** The supervisor's own record: its pid and each child's, so a start after a crash can find the orphans. */
export interface SupervisorRecord {
  pid: number;
  children: { name: string; pid: number; command: string }[];
}

/** Writes the record (replacing the previous one); called whenever a child starts or ends. */
export function writeSupervisorRecord(file: string, record: SupervisorRecord): void {
  writeFileSync(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

/** The record a previous supervisor left, or undefined when there is none or it is unreadable. */
export function readSupervisorRecord(file: string): SupervisorRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SupervisorRecord;
  } catch {
    return undefined;
  }
}
