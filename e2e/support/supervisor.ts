import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { waitFor } from '@jit/events/testing';
import { root } from './processes.js';

/** `npm start` leading a process group of its own, as a shell runs it in a terminal. */
export interface Supervisor {
  child: ChildProcess;
  output(): string;
  /** What a terminal does on Ctrl-C: SIGINT to every process of the group (npm, and the supervisor npm started). */
  ctrlC(): void;
  exited: Promise<void>;
  /** The pid of every process `started ...` names in the log so far. */
  startedPids(): number[];
}

/** Starts `npm start` with the given environment (on top of this process's, without NATS_URL: it runs its own bus). */
export function startSupervisor(env: NodeJS.ProcessEnv): Supervisor {
  const { NATS_URL: _external, ...inherited } = process.env;
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...inherited, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    ctrlC: () => process.kill(-child.pid!, 'SIGINT'),
    exited,
    startedPids: () => [...output.matchAll(/"msg":"started [^"]+","pid":(\d+)/g)].map((m) => Number(m[1])),
  };
}

/** Waits for the start banner and returns the demo key it prints. */
export function banner(supervisor: Supervisor): Promise<string> {
  return waitFor(() => /demo API key (\S+)/.exec(supervisor.output())?.[1], { timeoutMs: 120_000, what: 'the start banner' }).catch(
    (error: Error) => {
      throw new Error(`${error.message}; output so far:\n${supervisor.output()}`);
    },
  );
}

/** Whether a process with this pid exists (a zombie counts: its parent has not reaped it). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes whose command line names `text` (nats-server and Postgres name their data folder). */
export function processesNaming(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Whether something accepts connections on the loopback port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) =>
    connect(port, '127.0.0.1')
      .once('connect', function (this: ReturnType<typeof connect>) {
        this.destroy();
        resolve(true);
      })
      .once('error', () => resolve(false)),
  );
}
