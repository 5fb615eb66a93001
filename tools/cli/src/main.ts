// `npm run jit -- <command>`: the operators' tool for the event log.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { baseEnvSchema, busSettingsRules, connectBus, topologyOf } from '@jit/platform';
import { listDeadLetters, requestHistory, retryDeadLetter } from './commands.js';

const usage = `usage: npm run jit -- <command>

  dead-letters [--consumer <name>]   list events no handler could apply, with the reason
  retry <dead-letter seq>            put a dead letter's event back on its subject
  history <request id>               every event of one request, in stream order

Reads NATS_URL, the JETSTREAM_* variables and the bus login (NATS_USER/NATS_PASSWORD or
NATS_NKEY_SEED, NATS_TLS_*) like the services do; on a secured bus, log in as the cli user.`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { consumer: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
const [command, argument] = positionals;
if (values.help || !command) {
  process.stdout.write(`${usage}\n`);
  process.exit(command ? 0 : 2);
}

const env = baseEnvSchema.superRefine(busSettingsRules).safeParse(process.env);
if (!env.success) {
  process.stderr.write(`invalid configuration: ${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`);
  process.exit(2);
}
const topology = topologyOf({ ...env.data, SERVICE_NAME: 'cli', PORT: 0 });
const nc = await connectBus(env.data, 'cli').catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
});
const print = (value: unknown): boolean => process.stdout.write(`${JSON.stringify(value)}\n`);

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
