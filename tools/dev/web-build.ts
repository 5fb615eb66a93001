import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './repository-root.js';

const root = repositoryRoot;
const webDir = join(root, 'apps/web');
const builtIndex = join(webDir, 'dist/index.html');

/** The newest modification time among a folder's files, recursively. */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Whether apps/web/dist is missing or older than a source of it (the pages, the config, the locked dependencies). */
export function webAppIsStale(): boolean {
  if (!existsSync(builtIndex)) return true;
  const sources = [join(webDir, 'src'), join(webDir, 'index.html'), join(webDir, 'vite.config.ts'), join(root, 'package-lock.json')];
  return Math.max(...sources.map(newest)) > statSync(builtIndex).mtimeMs;
}

/** Builds the web app (what `npm run build:web` does) when it is stale; says whether it did. */
export async function buildWebAppIfStale(): Promise<boolean> {
  if (!webAppIsStale()) return false;
  const { build } = await import('vite');
  await build({ configFile: join(webDir, 'vite.config.ts') });
  return true;
}
