// The services as JavaScript: `npm start` runs this first, and it compiles only when a source changed.
//
// Run by Node itself (type stripping), so it uses only erasable TypeScript and imports nothing of the
// project. SWC compiles each file on its own, as @swc-node/register does at run time, with decorator
// metadata for Nest; `npm run build` is what type-checks. Output mirrors the repository under
// `dist/`, and `dist/node_modules/@jit/*` points the workspace libraries at their compiled copies, so
// a compiled file resolves `@jit/events` to JavaScript and everything else to the root node_modules.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { transform, type Options } from '@swc/core';

/** The repository: the folder above tools/dev. */
const root = resolve(import.meta.dirname, '../..');
const out = join(root, 'dist');
const stampFile = join(out, '.build-stamp');

/** What runs in production or under `npm start`; tests, specs and the conformance suite run from source. */
const sourceRoots = ['apps/*/src', 'libs/*/src', 'tools/vendor-sim/src', 'tools/dev', 'tools/cli/src'];
/** Code that runs in the browser, which Vite builds (`npm run build:web`), not Node. */
const browserRoots = ['apps/web/src'];
const libraries = readdirSync(join(root, 'libs'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, 'libs', entry.name, 'package.json')))
  .map((entry) => entry.name);

const swcOptions: Options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2023',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: true,
};

/** The folders a pattern names, a `*` part standing for any one folder. */
function expand(pattern: string): string[] {
  let dirs = [''];
  for (const part of pattern.split('/')) {
    dirs = dirs.flatMap((base) => {
      if (part !== '*') return [join(base, part)];
      return readdirSync(join(root, base), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(base, entry.name));
    });
  }
  return dirs.filter((dir) => existsSync(join(root, dir)));
}

function sourcesIn(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test' || entry.name === 'node_modules' ? [] : sourcesIn(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** The compiled tree answers for exactly these sources, this script and the compiler's version. */
function fingerprint(files: string[]): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(import.meta.filename));
  hash.update(JSON.stringify(swcOptions));
  hash.update(readFileSync(join(root, 'node_modules/@swc/core/package.json')));
  for (const file of files) hash.update(`${file}\n`).update(readFileSync(join(root, file)));
  for (const library of libraries) hash.update(readFileSync(join(root, 'libs', library, 'package.json')));
  return hash.digest('hex');
}

export interface BuildResult {
  built: boolean;
  files: number;
  ms: number;
}

/** Compiles into `dist/` unless it already holds this exact source; a half-written tree is never left in its place. */
export async function build(): Promise<BuildResult> {
  const started = performance.now();
  const files = sourceRoots
    .flatMap(expand)
    .filter((dir) => !browserRoots.includes(dir))
    .flatMap(sourcesIn)
    .sort();
  const stamp = fingerprint(files);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    return { built: false, files: files.length, ms: Math.round(performance.now() - started) };
  }
  const staging = `${out}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  await Promise.all(
    files.map(async (file) => {
      const target = join(staging, file.replace(/\.ts$/, '.js'));
      const compiled = await transform(readFileSync(join(root, file), 'utf8'), {
        ...swcOptions,
        filename: join(root, file),
        sourceFileName: relative(dirname(target), join(root, file)),
      });
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, `${compiled.code}\n//# sourceMappingURL=${target.split('/').at(-1)}.map\n`);
      if (compiled.map) writeFileSync(`${target}.map`, compiled.map);
    }),
  );
  for (const library of libraries) {
    const manifest = JSON.parse(readFileSync(join(root, 'libs', library, 'package.json'), 'utf8')) as { exports?: Record<string, string> };
    const exports = Object.fromEntries(Object.entries(manifest.exports ?? {}).map(([key, path]) => [key, path.replace(/\.ts$/, '.js')]));
    mkdirSync(join(staging, 'libs', library), { recursive: true });
    writeFileSync(join(staging, 'libs', library, 'package.json'), JSON.stringify({ ...manifest, exports }, null, 2));
    mkdirSync(join(staging, 'node_modules/@jit'), { recursive: true });
    symlinkSync(join('..', '..', 'libs', library), join(staging, 'node_modules/@jit', library), 'dir');
  }
  writeFileSync(join(staging, '.build-stamp'), stamp);
  rmSync(out, { recursive: true, force: true });
  renameSync(staging, out);
  return { built: true, files: files.length, ms: Math.round(performance.now() - started) };
}

if (import.meta.filename === process.argv[1]) {
  const result = await build();
  const compiled = `compiled ${result.files} files into dist/ in ${result.ms} ms\n`;
  // --quiet (before `npm run jit`, whose stdout is JSON lines): says only that it compiled, on stderr.
  if (process.argv.includes('--quiet')) {
    if (result.built) process.stderr.write(compiled);
  } else {
    process.stdout.write(result.built ? compiled : `dist/ is up to date (${result.files} files checked in ${result.ms} ms)\n`);
  }
}
