import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Topology } from '@jit/events';

const run = promisify(execFile);
const root = new URL('../../../..', import.meta.url).pathname;

/** Runs `npm run jit -- <args>` as an operator would, with `env` on top of this process's, and parses its JSON lines. */
export async function runJit(args: string[], env: NodeJS.ProcessEnv): Promise<any[]> {
  const { stdout } = await run(process.execPath, ['--import', '@swc-node/register/esm-register', 'tools/cli/src/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** The variables that point the CLI at a test topology's streams. */
export function topologyEnv(topology: Topology): NodeJS.ProcessEnv {
  return {
    JETSTREAM_STREAM: topology.stream,
    JETSTREAM_SUBJECT_PREFIX: topology.prefix,
    JETSTREAM_DEADLETTER_STREAM: topology.deadLetterStream,
    JETSTREAM_DEADLETTER_PREFIX: topology.deadLetterPrefix,
  };
}
