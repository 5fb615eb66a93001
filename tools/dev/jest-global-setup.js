// Jest's global setup: the NATS and Postgres every integration test talks to (see test-servers.ts),
// and the compiled services (dist/, as `npm start` runs them) that tests start as processes.
// Workers start after this and inherit TEST_NATS_URL and TEST_DATABASE_URL.
export default async function globalSetup() {
  await import('@swc-node/register/esm-register');
  const { build } = await import('./build.ts');
  const compiled = await build();
  if (compiled.built) process.stderr.write(`\ncompiled ${compiled.files} files into dist/ for the tests in ${compiled.ms} ms\n`);
  const { provideTestServers, TestServerError } = await import('./test-servers.ts');
  try {
    const servers = await provideTestServers({
      natsUrl: process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222',
      postgresUrl: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    });
    process.env.TEST_NATS_URL = servers.natsUrl;
    process.env.TEST_DATABASE_URL = servers.postgresUrl;
    if (servers.started.length > 0) {
      process.stderr.write(
        `\ntest servers: started ${servers.started.join(' and ')} for this run (NATS ${servers.natsUrl}, Postgres ${servers.postgresUrl})\n`,
      );
    }
    globalThis.__jitTestServers = servers;
  } catch (error) {
    if (!(error instanceof TestServerError)) throw error;
    process.stderr.write(`\n${error.message}\n`);
    process.exit(1);
  }
}
