import { z } from 'zod';
import { defaultTopology, type ConsumerSettings, type Topology } from '@jit/events';
import { refuseDemoSettings, refuseShippedDatabasePassword } from './modes.js';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const msList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'expected comma-separated milliseconds, e.g. 1000,5000')
  .transform((s) => s.split(',').map(Number));

/** Settings every service reads from the environment. */
export const baseEnvSchema = z.object({
  /**
   * `local` is what `npm start` runs: the simulator, the demo key and generated secrets are allowed.
   * Anything else is `production` (the default, so a deployment that forgets the variable is held to
   * the strict rules, never let off them).
   */
  JIT_MODE: z.enum(['local', 'production'], { error: 'expected local or production' }).default('production'),
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// URL' })
    .default('postgres://postgres@127.0.0.1:5432/jit'),
  /** Connections in the service's Postgres pool, for short transactions only (LISTEN uses one more of its own). */
  DATABASE_POOL_SIZE: positiveInt.default(20),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JETSTREAM_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default(defaultTopology.stream),
  JETSTREAM_SUBJECT_PREFIX: z.string().min(1).default(defaultTopology.prefix),
  JETSTREAM_DEADLETTER_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default(defaultTopology.deadLetterStream),
  JETSTREAM_DEADLETTER_PREFIX: z.string().min(1).default(defaultTopology.deadLetterPrefix),
  JETSTREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(defaultTopology.replicas),
  JETSTREAM_DUPLICATE_WINDOW_MS: positiveInt.default(defaultTopology.duplicateWindowMs),
  CONSUMER_ACK_WAIT_MS: positiveInt.default(30_000),
  CONSUMER_MAX_DELIVER: positiveInt.default(10),
  CONSUMER_BACKOFF_MS: msList.default([1000, 5000, 15_000, 60_000]),
  CONSUMER_CONCURRENCY: positiveInt.default(8),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(20_000),
  OIDC_ISSUER: z.url().optional(),
  OIDC_AUDIENCE: z.string().min(1).default('api://jit-access'),
  JIT_DEMO_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** The largest request body in bytes; a larger one is answered 413. */
  HTTP_BODY_LIMIT_BYTES: positiveInt.default(64 * 1024),
  /** Calls one caller (API key, person, or address when unauthenticated) may make per window; 0 turns the limit off. */
  RATE_LIMIT_MAX: z.coerce.number().int().nonnegative().default(600),
  RATE_LIMIT_WINDOW_MS: positiveInt.default(60_000),
  /** When set, `/metrics` is served only on this port (on HOST), not on the API port. */
  METRICS_PORT: port.optional(),
  /** How long a service trusts a looked-up API key without hearing of a change: the bound on a lost revocation notice. */
  API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
});

/** The validated base settings. */
export type BaseConfig = z.infer<typeof baseEnvSchema> & { SERVICE_NAME: string; PORT: number };

/**
 * Rules between a service's variables (one requires another, say), checked with the schema so a
 * broken rule is reported like any bad variable: `ctx.addIssue({ code: 'custom', path: [name], message })`.
 * The base settings (`JIT_MODE` among them) come with the service's own.
 */
export type ConfigRules<S extends z.ZodObject> = (values: z.infer<S> & z.infer<typeof baseEnvSchema>, ctx: z.RefinementCtx) => void;

/** Raised when the environment does not describe a runnable service; the message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validates the environment once, at start-up: the base settings, the service's port variable
 * (`INTAKE_PORT`, ...) and the service's own settings.
 */
export function loadConfig<S extends z.ZodObject>(
  service: { name: string; defaultPort: number; env?: S; rules?: ConfigRules<S> },
  env: NodeJS.ProcessEnv,
): BaseConfig & z.infer<S> {
  const portVariable = `${service.name.toUpperCase()}_PORT`;
  const schema = baseEnvSchema
    .extend({ [portVariable]: port.default(service.defaultPort) })
    .extend(service.env?.shape ?? {})
    .superRefine((values, ctx) => {
      baseRules(values as z.infer<typeof baseEnvSchema>, env, ctx);
      service.rules?.(values as z.infer<S> & z.infer<typeof baseEnvSchema>, ctx);
    });
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration for ${service.name}: ${problems.join('; ')}`);
  }
  const values = parsed.data as Record<string, unknown>;
  return { ...values, SERVICE_NAME: service.name, PORT: values[portVariable] } as BaseConfig & z.infer<S>;
}

/** What every service must have outside local mode: its own database URL, no demo key, an https issuer. */
function baseRules(values: z.infer<typeof baseEnvSchema>, env: NodeJS.ProcessEnv, ctx: z.RefinementCtx): void {
  if (values.JIT_MODE === 'local') return;
  // The default URL (a password-less local superuser) is for a developer's machine only.
  if (env.DATABASE_URL === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['DATABASE_URL'],
      message: 'required outside local mode (JIT_MODE=local): the postgres:// URL of the database',
    });
  } else {
    refuseShippedDatabasePassword(values.DATABASE_URL, ctx);
  }
  // The demo key acts on behalf of anyone; outside local mode only scoped keys (`npm run jit -- keys create`) are accepted.
  if (values.JIT_DEMO_API_KEY !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['JIT_DEMO_API_KEY'],
      message: 'not allowed outside local mode (JIT_MODE=local): it acts for anyone; create scoped keys with `npm run jit -- keys create`',
    });
  }
  refuseDemoSettings(values, ctx, { httpsUrls: ['OIDC_ISSUER'] });
}

/** The event topology a configuration describes. */
export function topologyOf(config: BaseConfig): Topology {
  return {
    stream: config.JETSTREAM_STREAM,
    prefix: config.JETSTREAM_SUBJECT_PREFIX,
    deadLetterStream: config.JETSTREAM_DEADLETTER_STREAM,
    deadLetterPrefix: config.JETSTREAM_DEADLETTER_PREFIX,
    replicas: config.JETSTREAM_REPLICAS,
    duplicateWindowMs: config.JETSTREAM_DUPLICATE_WINDOW_MS,
  };
}

/** The durable consumer settings a configuration describes for a service. */
export function consumerSettingsOf(config: BaseConfig): ConsumerSettings {
  return {
    name: config.SERVICE_NAME,
    ackWaitMs: config.CONSUMER_ACK_WAIT_MS,
    maxDeliver: config.CONSUMER_MAX_DELIVER,
    backoffMs: config.CONSUMER_BACKOFF_MS,
    maxAckPending: config.CONSUMER_CONCURRENCY * 32,
  };
}
