// `npm run jit -- <command>`: the operators' tool for the event log and the API keys.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { baseEnvSchema, busSettingsRules, connectBus, topologyOf } from '@jit/platform';
import { listDeadLetters, requestHistory, retryDeadLetter } from './commands.js';
import { runKeysCommand, UsageError } from './keys.js';
import { exportCheckpoints, progressBar, publicKeyOf, replay, requestAcross, verifyAudit, withAuditDatabase } from './audit.js';

const usage = `usage: npm run jit -- <command>

  dead-letters [--consumer <name>]   list events no handler could apply, with the reason
  retry <dead-letter seq>            put a dead letter's event back on its subject
  history <request id>               every event of one request, in stream order
  request <request id>               one request's history across the stream and the audit store, and whether they agree
  verify [--from <N>] [--to <M>] [--public-key <pem file>]
                                     walk the audit chain (progress on stderr); the whole store also
                                     against the stream (missing ranges) and its latest signed checkpoint
  checkpoint export                  every signed checkpoint of the audit chain, with its public key
  replay --projection <name> [--from-seq <N>]
                                     rebuild an audit projection (requests, grants) from the stream into a fresh
                                     table and swap it in; the service keeps answering meanwhile
  keys create --name <name> --owner <login> --scopes <scope,...> [--expires <ISO date-time>] [--by <who>]
                                     create an API key; its secret is printed this once
  keys list                          every API key (never a secret), with its changes
  keys rotate <id or name> [--by <who>]   a new secret for a key; the old one stops working
  keys revoke <id or name> [--by <who>]   revoke a key for good

Scopes: requests:create, requests:on-behalf, requests:read, approvals:decide, audit:read, admin.
Reads NATS_URL, the JETSTREAM_* variables and the bus login (NATS_USER/NATS_PASSWORD or
NATS_NKEY_SEED, NATS_TLS_*) like the services do; on a secured bus, log in as the cli user.
keys commands use only DATABASE_URL; request, verify, checkpoint and replay read the audit tables
through DATABASE_URL as their owner (DATABASE_OWNER_URL of the audit service).`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    consumer: { type: 'string' },
    name: { type: 'string' },
    owner: { type: 'string' },
    scopes: { type: 'string' },
    expires: { type: 'string' },
    by: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'public-key': { type: 'string' },
    projection: { type: 'string' },
    'from-seq': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
const [command, argument, extra] = positionals;
if (values.help || !command) {
  process.stdout.write(`${usage}\n`);
  process.exit(command ? 0 : 2);
}

const env = baseEnvSchema.superRefine(busSettingsRules).safeParse(process.env);
if (!env.success) {
  process.stderr.write(`invalid configuration: ${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`);
  process.exit(2);
}
const print = (value: unknown): boolean => process.stdout.write(`${JSON.stringify(value)}\n`);
// Data goes to stdout as JSON lines, so `| jq` always works; an empty list is said on stderr instead.
const printAll = (values: unknown[], what: string): void => {
  if (values.length === 0) process.stderr.write(`none: ${what}\n`);
  values.forEach(print);
};
/** The positional argument a command needs, or its usage and exit code 2. */
const argumentOf = <T>(schema: z.ZodType<T>, needs: string): T => {
  const parsed = schema.safeParse(argument);
  if (parsed.success) return parsed.data;
  process.stderr.write(`${command} needs ${needs}\n${usage}\n`);
  process.exit(2);
};

/** A numeric option, or its usage and exit code 2. */
const optionNumber = (name: 'from' | 'to' | 'from-seq'): number | undefined => {
  if (values[name] === undefined) return undefined;
  const parsed = z.coerce.number().int().positive().safeParse(values[name]);
  if (parsed.success) return parsed.data;
  process.stderr.write(`--${name}: expected a positive whole number\n${usage}\n`);
  process.exit(2);
};

if (command === 'checkpoint') {
  if (argument !== 'export') {
    process.stderr.write(`checkpoint needs export\n${usage}\n`);
    process.exit(2);
  }
  const checkpoints = await withAuditDatabase(env.data.DATABASE_URL, exportCheckpoints);
  printAll(checkpoints, 'no checkpoints');
  process.exit();
}

if (command === 'keys') {
  try {
    const { name, owner, scopes, expires, by } = values;
    const lines = await runKeysCommand(
      env.data.DATABASE_URL,
      { action: argument, ref: extra, name, owner, scopes, expires, by },
      new Date(),
    );
    printAll(lines, 'no API keys');
    if (argument === 'create' || argument === 'rotate') process.stderr.write('store the secret now: it is not shown again\n');
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(`${usage}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
  process.exit();
}

const topology = topologyOf({ ...env.data, SERVICE_NAME: 'cli', PORT: 0 });
const nc = await connectBus(env.data, 'cli').catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
});

try {
  switch (command) {
    case 'dead-letters': {
      const letters = await listDeadLetters(nc, topology, values.consumer);
      printAll(letters, values.consumer ? `no dead letters of consumer "${values.consumer}"` : 'no dead letters');
      break;
    }
    case 'retry':
      print(await retryDeadLetter(nc, topology, argumentOf(z.coerce.number().int().positive(), "a dead letter's sequence number")));
      break;
    case 'history':
      for (const event of await requestHistory(nc, topology, argumentOf(z.string().min(1), 'a request id'))) print(event);
      break;
    case 'request': {
      const requestId = argumentOf(z.string().min(1), 'a request id');
      const compared = await withAuditDatabase(env.data.DATABASE_URL, (client) => requestAcross(client, nc, topology, requestId));
      print(compared);
      if (!compared.agree) process.exitCode = 1;
      break;
    }
    case 'verify': {
      const [from, to] = [optionNumber('from'), optionNumber('to')];
      const publicKey = publicKeyOf(values['public-key'], process.env.AUDIT_SIGNING_KEY_FILE);
      if (!publicKey) process.stderr.write('no public key (--public-key): checkpoint signatures are not checked\n');
      const started = performance.now();
      const report = await withAuditDatabase(env.data.DATABASE_URL, (client) =>
        verifyAudit(client, nc, topology, {
          from,
          to,
          publicKey,
          onProgress: ({ checked, position, to: end }) =>
            process.stderr.write(progressBar(position, end, checked / ((performance.now() - started) / 1000), 'positions')),
        }),
      );
      process.stderr.write('\n');
      print(report);
      if (!report.ok) process.exitCode = 1;
      break;
    }
    case 'replay': {
      if (!values.projection) {
        process.stderr.write(`replay needs --projection <name>\n${usage}\n`);
        process.exit(2);
      }
      const projection = values.projection;
      const result = await withAuditDatabase(env.data.DATABASE_URL, (client) =>
        replay(client, nc, topology, projection, optionNumber('from-seq'), ({ seq, last, eventsPerSecond }) =>
          process.stderr.write(progressBar(seq, last, eventsPerSecond, 'events')),
        ),
      );
      process.stderr.write('\n');
      print(result);
      break;
    }
    default:
      process.stderr.write(`unknown command "${command}"\n${usage}\n`);
      process.exitCode = 2;
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await nc.close();
}
