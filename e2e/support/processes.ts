import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { compiledPath, serviceEnvironment, serviceNodeOptions } from '../../tools/dev/node-options.js';

/** The repository root. */
export const root = fileURLToPath(new URL('../..', import.meta.url));

/** A service running as its own process, as in production. */
export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  url: string;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  terminate(): Promise<number | null>;
  /** Sends SIGKILL and resolves once the process is gone, as a crash would leave it. */
  kill(): Promise<void>;
}

/** How long a service may take to say where it listens. */
export interface StartOptions {
  timeoutMs?: number;
}

/**
 * A service's process as `npm start` runs it: the compiled JavaScript in `dist/` with its
 * Node flags. Jest's global setup compiles whatever changed (tools/dev/build.ts) before any test
 * runs; from source, each process spent seconds of CPU transpiling at start, which the suite paid
 * hundreds of times.
 */
function spawnService(name: string, env: NodeJS.ProcessEnv): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, [...serviceNodeOptions(name), compiledPath(`apps/${name}/src/main.ts`)], {
    cwd: root,
    env: { ...serviceEnvironment, ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Starts `apps/<name>/src/main.ts` and waits until it logs the URL it listens on. */
export function startService(name: string, env: NodeJS.ProcessEnv, { timeoutMs = 60_000 }: StartOptions = {}): Promise<ServiceProcess> {
  const child = spawnService(name, env);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          name,
          child,
          url: match[1],
          output: () => output,
          terminate: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            return exited;
          },
          kill: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
            await exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** Runs a service to completion and returns its exit code and output; for start-up failures. */
export function runToExit(name: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawnService(name, env);
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}
