import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The self-service web app: built to apps/web/dist, which intake serves at `/` (docs/adr/0006-web-app.md). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // React 17+'s automatic runtime, compiled by Vite's own transformer (no Babel plugin needed for a build).
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  // Rolldown warns that react-router's "use client" directive means nothing in a bundle; it is right, and nothing else is said at warn.
  logLevel: 'error',
});
