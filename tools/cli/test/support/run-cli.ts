import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { compiledPath } from '../../../dev/node-options.js';

const run = promisify(execFile);
const root = new URL('../../../..', import.meta.url).pathname;

/** What one CLI run printed: its JSON lines (stdout) and its messages (stderr). */
export interface JitOutput {
  lines: any[];
  stderr: string;
}

/**
 * Runs `npm run jit -- <args>` as an operator would, with `env` on top of this process's; a non-zero
 * exit rejects with the error's `code` and `stderr`.
 */
export async function runJitOutput(args: string[], env: NodeJS.ProcessEnv): Promise<JitOutput> {
  const { stdout, stderr } = await run(process.execPath, [compiledPath('tools/cli/src/main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  const lines = stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  return { lines, stderr };
}

/** Runs the CLI (see `runJitOutput`) and parses its JSON lines. */
export async function runJit(args: string[], env: NodeJS.ProcessEnv): Promise<any[]> {
  return (await runJitOutput(args, env)).lines;
}
