import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * Folder holding the vendors' API descriptions. They are never copied into the repository: the suite reads them from
 * `VENDOR_SPECS_DIR`, by default `../shared/vendor-specs` next to the repository root (resolved from the working
 * directory, which is the repository root when run through npm/jest).
 */
export function specsDir(): string {
  const dir = resolve(process.cwd(), process.env.VENDOR_SPECS_DIR ?? '../shared/vendor-specs');
  if (!existsSync(dir)) {
    throw new Error(`Vendor API descriptions not found in ${dir}; set VENDOR_SPECS_DIR to the folder holding them.`);
  }
  return dir;
}

/** Reads and parses one description (YAML or JSON) from the specs folder. */
export function readSpec(fileName: string): Record<string, unknown> {
  const text = readFileSync(resolve(specsDir(), fileName), 'utf8');
  return (fileName.endsWith('.yaml') ? parseYaml(text, { maxAliasCount: -1 }) : JSON.parse(text)) as Record<string, unknown>;
}
