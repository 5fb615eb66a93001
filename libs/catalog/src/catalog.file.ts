import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { ConfigError } from '@jit/platform';
import { Catalog, parseCatalog } from './catalog.js';

/**
 * Where the repository is, so a relative catalog path works whether the process starts there or in
 * the service folder, and whether it runs from source or compiled under `dist/`.
 */
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/dist\/$/, '/');

/** The demo catalog, relative to the repository root. */
export const DEMO_CATALOG_FILE = 'libs/catalog/catalog.demo.json';

/**
 * The catalog at `CATALOG_FILE`, read once at start-up; a file that cannot be read or is not a valid
 * catalog stops the service with a message naming the file and the first bad field.
 */
export function readCatalog(path: string): Catalog {
  const loaded = loadCatalogFile(path);
  if ('error' in loaded) throw new ConfigError(`CATALOG_FILE: ${loaded.error}`);
  return loaded;
}

/** Reads and validates a catalog file. A relative path is looked up from the working directory, then from the repository root. */
export function loadCatalogFile(path: string): Catalog | { error: string } {
  const file = locate(path);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { error: `cannot read the catalog ${file}: ${(error as Error).message}` };
  }
  const catalog = parseCatalog(json);
  return 'error' in catalog ? { error: `invalid catalog ${file}: ${catalog.error}` } : catalog;
}

/** Whether a path names the demo catalog (example.com owners, an auto-approved application): for local mode only. */
export function isDemoCatalogFile(path: string): boolean {
  return locate(path) === locate(DEMO_CATALOG_FILE);
}

/** Outside local mode, refuses `CATALOG_FILE` when it names the demo catalog. */
export function demoCatalogRule(values: { JIT_MODE: 'local' | 'production'; CATALOG_FILE: string }, ctx: z.RefinementCtx): void {
  if (values.JIT_MODE === 'local' || !isDemoCatalogFile(values.CATALOG_FILE)) return;
  ctx.addIssue({
    code: 'custom',
    path: ['CATALOG_FILE'],
    message: 'names the demo catalog (example.com owners, an auto-approved application); set the path of your catalog outside local mode',
  });
}

function locate(path: string): string {
  if (isAbsolute(path)) return path;
  const fromWorkingDirectory = resolve(path);
  return existsSync(fromWorkingDirectory) ? fromWorkingDirectory : resolve(repositoryRoot, path);
}
