// `npm run jit -- <command>`: the operators' tool for the event log and the API keys.
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { z } from 'zod';
import { baseEnvSchema, topologyOf } from '@jit/platform';
import { listDeadLetters, requestHistory, retryDeadLetter } from './commands.js';
import { runKeysCommand, UsageError } from './keys.js';

const usage = `usage: npm run jit -- <command>

  dead-letters [--consumer <name>]   list events no handler could apply, with the reason
  retry <dead-letter seq>            put a dead letter's event back on its subject
  history <request id>               every event of one request, in stream order
  keys create --name <name> --owner <login> --scopes <scope,...> [--expires <ISO date-time>] [--by <who>]
                                     create an API key; its secret is printed this once
  keys list                          every API key (never a secret), with its changes
  keys rotate <id or name> [--by <who>]   a new secret for a key; the old one stops working
  keys revoke <id or name> [--by <who>]   revoke a key for good

Scopes: requests:create, requests:on-behalf, requests:read, approvals:decide, audit:read, admin.
Reads NATS_URL and the JETSTREAM_* variables like the services do; keys commands use only DATABASE_URL.`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    consumer: { type: 'string' },
    name: { type: 'string' },
    owner: { type: 'string' },
    scopes: { type: 'string' },
    expires: { type: 'string' },
    by: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
const [command, argument, extra] = positionals;
if (values.help || !command) {
  process.stdout.write(`${usage}\n`);
  process.exit(command ? 0 : 2);
}

const env = baseEnvSchema.safeParse(process.env);
if (!env.success) {
  process.stderr.write(`invalid configuration: ${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`);
  process.exit(2);
}
const print = (value: unknown): boolean => process.stdout.write(`${JSON.stringify(value)}\n`);

if (command === 'keys') {
  try {
    const { name, owner, scopes, expires, by } = values;
    const lines = await runKeysCommand(
      env.data.DATABASE_URL,
      { action: argument, ref: extra, name, owner, scopes, expires, by },
      new Date(),
    );
    lines.forEach(print);
    if (argument === 'create' || argument === 'rotate') process.stderr.write('store the secret now: it is not shown again\n');
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(`${usage}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
  process.exit();
}

const topology = topologyOf({ ...env.data, SERVICE_NAME: 'cli', PORT: 0 });
const nc = await connect({ servers: env.data.NATS_URL, name: 'jit-cli' });

try {
  switch (command) {
    case 'dead-letters':
      for (const letter of await listDeadLetters(nc, topology, values.consumer)) print(letter);
      break;
    case 'retry':
      print(await retryDeadLetter(nc, topology, z.coerce.number().int().positive().parse(argument)));
      break;
    case 'history':
      for (const event of await requestHistory(nc, topology, z.string().min(1).parse(argument))) print(event);
      break;
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
