/**
 * The Node flags every process of `npm start` runs with, and the benchmarks' services too, so their
 * figures are `npm start`'s. V8 sizes the young generation by the machine's memory (up to 64 MiB a
 * semi-space on a large one), and an idle service keeps it resident: 8 MiB costs a few more
 * scavenges and saves 60–70 MiB of RSS a service. Source maps are off (they cost ~20 MiB a service,
 * for every library that ships one): stack traces name the compiled files, which read like the
 * sources; `NODE_OPTIONS=--enable-source-maps` turns them on. See docs/PERFORMANCE.md.
 */
export const serviceNodeOptions = ['--max-semi-space-size=8'];

/** Where `tools/dev/build.ts` puts the compiled JavaScript of a source file, relative to the repository. */
export function compiledPath(source: string): string {
  return `dist/${source.replace(/\.ts$/, '.js')}`;
}
