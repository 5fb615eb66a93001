/**
 * The Node flags every process of `npm start` runs with, and the benchmarks' services too, so their
 * figures are `npm start`'s. `--optimize-for-size` has V8 favour memory over speed: a young
 * generation of 1 MiB a semi-space (V8 sizes it by the machine's memory otherwise, up to 64 MiB on a
 * large one, and an idle service keeps it resident), a heap kept closer to what is live, bytecode
 * flushed sooner. It saves 20–35 MiB a service over `--max-semi-space-size=8` for about a fifth more
 * CPU per request; a control plane idles most of the time. Source maps are off (they cost ~20 MiB a
 * service, for every library that ships one): stack traces name the compiled files, which read like
 * the sources; `NODE_OPTIONS=--enable-source-maps` turns them on. See docs/PERFORMANCE.md.
 */
export const serviceNodeOptions = ['--optimize-for-size'];

/**
 * The environment those processes start with, under what the caller sets: glibc's malloc keeps an
 * arena per thread that has called it, and two are enough for a service (a few MiB each).
 */
export const serviceEnvironment: NodeJS.ProcessEnv = { MALLOC_ARENA_MAX: '2' };

/** Where `tools/dev/build.ts` puts the compiled JavaScript of a source file, relative to the repository. */
export function compiledPath(source: string): string {
  return `dist/${source.replace(/\.ts$/, '.js')}`;
}
