// The e2e project's global setup: the browser tests need the web app built, once per run, not once per test.
export default async function buildWebApp() {
  await import('@swc-node/register/esm-register');
  const { buildWebAppIfStale } = await import('../../tools/dev/web-build.ts');
  if (await buildWebAppIfStale()) process.stderr.write('\nbuilt the web app (apps/web/dist) for the browser tests\n');
}
