// `npm run reset`: back to a fresh clone's state. Removes what `npm start` keeps and says what it was.
import { existsSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { repositoryRoot } from './repository-root.js';
import { pidInFile, processRuns, readSupervisorRecord } from './pid-files.js';

/** What each thing `npm start` keeps is, in the words a person resetting wants to read. */
const described: Record<string, string> = {
  postgres: 'the embedded Postgres: requests, approvals, grants, timers, the audit store, API keys',
  nats: 'the local event stream and its generated bus users',
  'vendor-sim': "the simulator's Okta, Jira and Slack state and its signing key (tokens minted so far stop working)",
  'local-secrets.json': 'the demo API key and the Slack signing secret',
  'supervisor.pid': "the last `npm start`'s PID file",
};

export interface ResetOptions {
  root: string;
  dataDir: string;
  /** Set when the database is the developer's own: it is left alone, and the output says so. */
  databaseUrl?: string;
}

export type ResetOutcome = { ok: true; lines: string[] } | { ok: false; message: string };

function sizeOf(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((total, name) => total + sizeOf(join(path, name)), 0);
}

function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/** Removes the data folder and the compiled services, unless something still runs on them. */
export function reset({ root, dataDir, databaseUrl }: ResetOptions): ResetOutcome {
  const supervisor = readSupervisorRecord(join(dataDir, 'supervisor.pid'));
  if (supervisor && processRuns(supervisor.pid, 'tools/dev/start.')) {
    return {
      ok: false,
      message: `\`npm start\` runs with the data folder ${dataDir} (pid ${supervisor.pid}). Stop it first (Ctrl-C in its terminal), then reset.`,
    };
  }
  for (const [file, command] of [
    [join(dataDir, 'nats', 'nats.pid'), 'nats-server'],
    [join(dataDir, 'postgres', 'postmaster.pid'), 'postgres'],
  ] as const) {
    const pid = pidInFile(file);
    if (pid !== undefined && processRuns(pid, command)) {
      return {
        ok: false,
        message: `${command} (pid ${pid}) still runs on ${dataDir}. \`npm start\` and then Ctrl-C stops it, or \`kill ${pid}\`; then reset.`,
      };
    }
  }
  const lines: string[] = [];
  const remove = (path: string, what: string) => {
    lines.push(`removed ${relative(root, path) || path} (${humanSize(sizeOf(path))}): ${what}`);
    rmSync(path, { recursive: true, force: true });
  };
  if (existsSync(dataDir)) {
    for (const name of readdirSync(dataDir).sort()) remove(join(dataDir, name), described[name] ?? 'kept by an earlier version');
    rmSync(dataDir, { recursive: true, force: true });
  }
  const dist = join(root, 'dist');
  if (existsSync(dist)) remove(dist, 'the compiled services (the next `npm start` compiles them again)');
  if (lines.length === 0) lines.push('nothing to remove: no data folder, nothing compiled');
  if (databaseUrl) lines.push('DATABASE_URL is set: that database is yours and was not touched');
  return { ok: true, lines };
}

if (import.meta.filename === process.argv[1]) {
  const root = repositoryRoot;
  const outcome = reset({ root, dataDir: resolve(process.env.JIT_DATA_DIR ?? join(root, '.data')), databaseUrl: process.env.DATABASE_URL });
  if (!outcome.ok) {
    process.stderr.write(`${outcome.message}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `${outcome.lines.join('\n')}\nThe next \`npm start\` starts clean: a new demo API key, an empty database and stream, the seed directory.\n`,
  );
}
