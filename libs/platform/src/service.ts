import { Module, type DynamicModule, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Logger, LoggerModule } from 'nestjs-pino';
import { collectDefaultMetrics, register } from 'prom-client';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { z } from 'zod';
import {
  Clock,
  JetStreamServer,
  OutboxRelay,
  SystemClock,
  ensureStreams,
  migrate,
  poolOptions,
  serviceDataSourceOptions,
} from '@jit/events';
import { ConfigError, consumerSettingsOf, loadConfig, topologyOf, type BaseConfig, type ConfigRules } from './config.js';
import { AuthModule } from './auth/auth.module.js';
import type { SubjectDirectory } from './auth/subject-directory.js';
import { migrateCredentials } from './auth/credentials.schema.js';
import { ApiExceptionFilter } from './exception.filter.js';
import { hardenHttp } from './http/http-hardening.js';
import { startMetricsServer } from './http/metrics-server.js';
import { failedAuthenticationLimit, RateLimitModule } from './http/rate-limit.js';
import { createLogger, httpLogLevel } from './logger.js';
import { connectBus } from './nats.js';
import type { HandWrittenPaths } from './openapi/document.js';
import { serveOpenApi } from './openapi/setup.js';
import { PlatformModule } from './platform.module.js';

/** How often the event loop's lag is sampled for `nodejs_eventloop_lag_*`. */
const EVENT_LOOP_SAMPLE_MS = 100;

/** One service: its name, default port, own settings, feature modules and tables. */
export interface ServiceDefinition<S extends z.ZodObject = z.ZodObject> {
  name: string;
  defaultPort: number;
  /** The service's own environment variables, validated with the base ones at start-up. */
  env?: S;
  /** Rules between the service's own variables, checked at start-up with the schema. */
  rules?: ConfigRules<S>;
  imports: NonNullable<ModuleMetadata['imports']>;
  entities?: Function[];
  migrations?: Function[];
  /** Maps an access token's subject to a login, for tokens without a verified email; without it such tokens are refused. */
  subjectDirectory?: (config: BaseConfig & z.infer<S>) => SubjectDirectory;
  /**
   * For a service whose own role must not own its tables (audit): the owner's URL, through which the
   * migrations run, and the grants that give the service's role (`DATABASE_URL`'s user) what it may
   * do. Without an owner URL the service's own role migrates, as every other service does.
   */
  owner?: {
    url(config: BaseConfig & z.infer<S>): string | undefined;
    grant(owner: DataSource, role: string): Promise<void>;
  };
  /** Routes the service answers outside its controllers (Express middleware), for its OpenAPI document; none when undefined. */
  handWrittenPaths?: (config: BaseConfig & z.infer<S>) => HandWrittenPaths | undefined;
}

/** A started service. */
export interface RunningService {
  app: INestApplication;
  config: BaseConfig;
  url: string;
  /** Where `/metrics` is served when `METRICS_PORT` puts it on a port of its own. */
  metricsUrl?: string;
  /** Stops taking work, finishes what is in flight, and closes every connection. */
  stop(): Promise<void>;
  /**
   * Settles when the bus connection is gone for good while the service runs: the client reconnects
   * forever after an outage, but gives up when the server refuses its login twice in a row (a
   * revoked or rotated credential). A service without the bus takes no work, so `runService` exits
   * and the supervisor or the orchestrator starts it again. Never settles once `stop` was called.
   */
  busLost: Promise<Error>;
}

@Module({})
class ServiceRootModule {}

/**
 * Starts a service: validates its configuration, connects to NATS (creating the streams if
 * needed), applies its migrations, starts its JetStream consumer and outbox relay, then serves HTTP.
 */
export async function createService(
  definition: ServiceDefinition,
  env: NodeJS.ProcessEnv,
  options: { clock?: Clock } = {},
): Promise<RunningService> {
  const config = loadConfig(definition, env);
  const clock = options.clock ?? new SystemClock();
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  const topology = topologyOf(config);
  const nc = await connectBus(config, definition.name, {
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
  });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm, topology);
  // The event loop's lag is sampled ten times a second, not prom-client's default hundred: each sample
  // wakes an idle service, and those wake-ups were most of what it spent idle.
  if (!register.getSingleMetric('process_cpu_seconds_total')) collectDefaultMetrics({ eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });

  const readiness = { migrated: false, stopping: false };
  const database = serviceDataSourceOptions({
    url: config.DATABASE_URL,
    schema: definition.name,
    entities: definition.entities,
    migrations: definition.migrations,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  const root: DynamicModule = {
    module: ServiceRootModule,
    imports: [
      LoggerModule.forRoot({
        pinoHttp: {
          logger,
          customLogLevel: httpLogLevel,
          autoLogging: { ignore: (req) => /^\/(healthz|readyz|metrics)/.test(req.url ?? '') },
        },
      }),
      TypeOrmModule.forRoot({ ...database, retryAttempts: 30, retryDelay: 1000 }),
      PlatformModule.forRoot({ config, nc, topology, readiness, clock }),
      AuthModule.forRoot({
        oidcIssuer: config.OIDC_ISSUER,
        oidcAudience: config.OIDC_AUDIENCE,
        demoApiKey: config.JIT_DEMO_API_KEY,
        directory: definition.subjectDirectory?.(config),
        apiKeyCacheMs: config.API_KEY_CACHE_MS,
        logger,
      }),
      // After AuthModule: the rate limit keys on the caller AuthGuard found.
      RateLimitModule.forRoot({ max: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_MS }),
      ...definition.imports,
    ],
  };
  // rawBody keeps the exact bytes next to the parsed body, for signature checks such as Slack's.
  // abortOnError: false makes a failed start-up throw to the caller (a test, or runService) instead of exiting the process.
  // bodyParser: false because hardenHttp registers the parsers itself, with the body limit.
  const app = await NestFactory.create<NestExpressApplication>(root, {
    bufferLogs: true,
    rawBody: true,
    bodyParser: false,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  hardenHttp(app, { bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES });
  const rateLimit = { max: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_MS };
  if (rateLimit.max > 0) app.use(failedAuthenticationLimit(rateLimit, clock));
  app.useGlobalFilters(new ApiExceptionFilter());
  serveOpenApi(app, { title: `JIT Access ${definition.name}`, version: '1' }, definition.handWrittenPaths?.(config));

  const dataSource = app.get(DataSource);
  await migrateAsOwner(definition, config, database, dataSource);
  readiness.migrated = true;

  app.connectMicroservice(
    {
      strategy: new JetStreamServer({
        jetstream: js,
        manager: jsm,
        dataSource,
        topology,
        settings: consumerSettingsOf(config),
        logger,
        concurrency: config.CONSUMER_CONCURRENCY,
      }),
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  const relay = new OutboxRelay({ dataSource, jetstream: js, logger });
  relay.start();
  await app.listen(config.PORT, config.HOST);
  const metricsServer = config.METRICS_PORT === undefined ? undefined : await startMetricsServer(config.HOST, config.METRICS_PORT);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${address.port}`;
  logger.info({ url, metricsUrl: metricsServer?.url }, `${definition.name} listening`);

  let stopping: Promise<void> | undefined;
  const busLost = nc
    .closed()
    .then((error) => (stopping ? new Promise<never>(() => {}) : (error ?? new Error('the connection was closed'))));
  return {
    busLost,
    app,
    config,
    url,
    metricsUrl: metricsServer?.url,
    stop: () =>
      (stopping ??= (async () => {
        readiness.stopping = true;
        await relay.stop();
        await app.close();
        await metricsServer?.close();
        await nc.drain();
        logger.info({}, `${definition.name} stopped`);
      })()),
  };
}

/**
 * Applies the service's migrations (and the shared credentials schema) as the owner of its tables:
 * the service's own role, or the owner the definition names, who then grants the service's role its
 * rights through a connection of its own, closed before the service takes work.
 */
async function migrateAsOwner(
  definition: ServiceDefinition,
  config: BaseConfig,
  database: DataSourceOptions,
  dataSource: DataSource,
): Promise<void> {
  const ownerUrl = definition.owner?.url(config);
  // Two connections: migrate holds one (its advisory lock) while the migrations run on the other.
  const owner = ownerUrl
    ? await new DataSource({ ...database, url: ownerUrl, extra: poolOptions(2) } as DataSourceOptions).initialize()
    : dataSource;
  try {
    await migrate(owner);
    await migrateCredentials(owner);
    if (ownerUrl) await definition.owner!.grant(owner, decodeURIComponent(new URL(config.DATABASE_URL).username));
  } finally {
    if (owner !== dataSource) await owner.destroy();
  }
}

/** Runs a service as a process: exits 1 with a clear message on bad configuration, stops cleanly on SIGTERM or SIGINT. */
export async function runService(definition: ServiceDefinition): Promise<void> {
  let service: RunningService;
  try {
    service = await createService(definition, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const shutdown = (signal: string): void => {
    process.stderr.write(`${JSON.stringify({ level: 30, service: definition.name, msg: `received ${signal}, shutting down` })}\n`);
    setTimeout(() => process.exit(1), service.config.SHUTDOWN_TIMEOUT_MS).unref();
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  void service.busLost.then((error) => {
    const msg = 'lost the bus for good (NATS closed the connection and will not reconnect); exiting so that the service is started again';
    process.stderr.write(`${JSON.stringify({ level: 60, service: definition.name, msg, err: error.message })}\n`);
    process.exit(1);
  });
}
