import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { hashApiKey, type StoredApiKey } from './api-keys.js';
import { API_KEYS, AuthGuard } from './auth.guard.js';
import type { SubjectDirectory } from './subject-directory.js';
import { TokenVerifier } from './token-verifier.js';

/** Settings of authentication, from the validated configuration. */
export interface AuthSettings {
  oidcIssuer?: string;
  oidcAudience: string;
  demoApiKey?: string;
  /** Maps a token's subject to a login when the token has no verified email. */
  directory?: SubjectDirectory;
}

/** Puts every route of a service behind `AuthGuard`. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(settings: AuthSettings): DynamicModule {
    const keys: StoredApiKey[] = settings.demoApiKey
      ? [{ name: 'demo', sha256: hashApiKey(settings.demoApiKey), mayActOnBehalf: true }]
      : [];
    return {
      module: AuthModule,
      providers: [
        { provide: API_KEYS, useValue: keys },
        {
          provide: TokenVerifier,
          useValue: settings.oidcIssuer ? new TokenVerifier(settings.oidcIssuer, settings.oidcAudience, settings.directory) : null,
        },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
