import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { PgListener, silentLogger, type EventLogger } from '@jit/events';
import { hashApiKey, type StaticApiKey } from './api-keys.js';
import { ApiKeyStore, DEMO_KEY_NAME } from './api-key-store.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import { AuthGuard } from './auth.guard.js';
import { API_KEYS_CHANNEL } from './credentials.schema.js';
import { SCOPES } from './scopes.js';
import type { SubjectDirectory } from './subject-directory.js';
import { TokenVerifier } from './token-verifier.js';

/** Settings of authentication, from the validated configuration. */
export interface AuthSettings {
  oidcIssuer?: string;
  oidcAudience: string;
  /** The local demo key: every scope, any person (local mode only; refusing it elsewhere is the configuration's job). */
  demoApiKey?: string;
  /** Maps a token's subject to a login when the token has no verified email. */
  directory?: SubjectDirectory;
  /** How long a looked-up API key is trusted before it is read again, when no change is announced. */
  apiKeyCacheMs: number;
  logger?: EventLogger;
}

/** The keys configured in the environment: the demo key, with every scope, like a stored key holding them all. */
export function staticApiKeys(settings: Pick<AuthSettings, 'demoApiKey'>): StaticApiKey[] {
  return settings.demoApiKey ? [{ name: DEMO_KEY_NAME, sha256: hashApiKey(settings.demoApiKey), scopes: SCOPES }] : [];
}

/** Puts every route of a service behind `AuthGuard`, with the stored API keys read from the `credentials` schema. */
@Global()
@Module({})
export class AuthModule implements OnApplicationShutdown {
  constructor(@Inject(ApiKeyVerifier) private readonly apiKeys: ApiKeyVerifier) {}

  static forRoot(settings: AuthSettings): DynamicModule {
    const logger = settings.logger ?? silentLogger;
    return {
      module: AuthModule,
      providers: [
        { provide: ApiKeyStore, inject: [DataSource], useFactory: (dataSource: DataSource) => new ApiKeyStore(dataSource) },
        {
          provide: ApiKeyVerifier,
          inject: [ApiKeyStore, DataSource],
          useFactory: (store: ApiKeyStore, dataSource: DataSource) =>
            new ApiKeyVerifier({
              store,
              staticKeys: staticApiKeys(settings),
              cacheMs: settings.apiKeyCacheMs,
              listen: (onNotify) => new PgListener(dataSource, API_KEYS_CHANNEL, onNotify, logger),
              logger,
            }),
        },
        {
          provide: TokenVerifier,
          useValue: settings.oidcIssuer ? new TokenVerifier(settings.oidcIssuer, settings.oidcAudience, settings.directory) : null,
        },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [ApiKeyStore],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.apiKeys.close();
  }
}
