/**
 * The Node flags each process of `npm start` runs with, and the benchmarks' services too, so their
 * figures are `npm start`'s. V8 sizes the young generation by the machine's memory (up to 64 MiB a
 * semi-space on a large one), and an idle process keeps it resident: 8 MiB costs a few more
 * scavenges and saves 60–70 MiB of RSS a process. The provisioner, which loads the Okta SDK before it
 * takes work (granting and revoking must not wait for it), runs with `--optimize-for-size` instead: V8 favours
 * memory over speed (a young generation of 1 MiB, a heap kept close to what is live), which saves it
 * 25–35 MiB for more CPU per request and a slower start (docs/PERFORMANCE.md); the others are under
 * the memory goal without it. Source maps are off (they cost ~20 MiB a process, for every library
 * that ships one): stack traces name the compiled files, which read like the sources;
 * `NODE_OPTIONS=--enable-source-maps` turns them on.
 */
export function serviceNodeOptions(name: string): string[] {
  return MEMORY_OVER_SPEED.has(name) ? ['--optimize-for-size'] : ['--max-semi-space-size=8'];
}

const MEMORY_OVER_SPEED = new Set(['provisioner']);

/**
 * The environment those processes start with, under what the caller sets: glibc's malloc keeps an
 * arena per thread that has called it, and two are enough for a service (a few MiB each).
 */
export const serviceEnvironment: NodeJS.ProcessEnv = { MALLOC_ARENA_MAX: '2' };

/** Where `tools/dev/build.ts` puts the compiled JavaScript of a source file, relative to the repository. */
export function compiledPath(source: string): string {
  return `dist/${source.replace(/\.ts$/, '.js')}`;
}
