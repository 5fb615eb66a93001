import { Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule, type OnModuleDestroy } from '@nestjs/common';
import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { Clock, schemaOf } from '@jit/events';
import { SERVICE_CONFIG } from '@jit/platform';
import type { IntakeConfig } from '../config.js';
import { webSettingsOf } from './web.config.js';
import { webRouter } from './web.router.js';

/** Table (in intake's schema) of the web app's sessions; created by a migration, not by the store. */
export const WEB_SESSIONS_TABLE = 'web_sessions';

/**
 * The self-service web app, served by intake (docs/adr/0006-web-app.md). Its routes are Express
 * middleware ahead of the API's controllers: they authenticate with the session cookie, not a
 * bearer token, and reach the services only through their public APIs.
 */
@Module({})
export class WebModule implements NestModule, OnModuleDestroy {
  private store?: InstanceType<ReturnType<typeof connectPgSimple>>;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: IntakeConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @InjectPinoLogger('WebApp') private readonly logger: PinoLogger,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    const settings = webSettingsOf(this.config);
    if (!settings.enabled) return;
    const PgStore = connectPgSimple(session);
    const store = new PgStore({
      // The service's own pool: sessions are short queries like any other.
      pool: (this.dataSource.driver as unknown as { master: Pool }).master,
      schemaName: schemaOf(this.dataSource),
      tableName: WEB_SESSIONS_TABLE,
      createTableIfMissing: false,
      // Seconds between sweeps of expired sessions (an expired one is refused whether swept or not).
      pruneSessionInterval: 15 * 60,
    });
    this.store = store;
    const router = webRouter(settings, store, this.logger, () => this.clock.now().getTime());
    consumer.apply(router).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }

  onModuleDestroy(): void {
    // Stops the sweep timer; the pool is the service's, closed with it.
    this.store?.close();
  }
}
