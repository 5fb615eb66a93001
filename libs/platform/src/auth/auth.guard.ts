import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { UnauthenticatedError } from '../errors.js';
import { matchApiKey, type StoredApiKey } from './api-keys.js';
import { apiKeySubject, type Principal } from './principal.js';
import { TokenVerifier } from './token-verifier.js';

/** Marks a route that needs no bearer token (health, metrics, signature-checked webhooks). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
/** Metadata key under which `@Public()` marks a route. */
export const PUBLIC_ROUTE = 'jit:public';

/** Injection token of the API keys a service accepts. */
export const API_KEYS = Symbol('API_KEYS');

/** Header an API key that may act on behalf of others uses to name the person. */
export const ON_BEHALF_OF_HEADER = 'on-behalf-of';

/** A request once authenticated. */
export interface AuthenticatedRequest extends Request {
  principal: Principal;
}

/**
 * Every route needs a bearer token: an access token from the IdP (a JWT verified against its
 * JWKS, issuer and audience) or an API key (compared by hash).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEYS) private readonly apiKeys: StoredApiKey[],
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier | null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.principal = await this.authenticate(request);
    return true;
  }

  private async authenticate(request: Request): Promise<Principal> {
    const header = request.headers.authorization;
    if (!header) throw new UnauthenticatedError('missing Authorization header: send "Authorization: Bearer <token or API key>"');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthenticatedError('Authorization header must be "Bearer <token or API key>"');
    const credential = match[1];
    if (credential.split('.').length === 3) return this.fromToken(credential);
    const key = matchApiKey(this.apiKeys, credential);
    if (!key) throw new UnauthenticatedError('invalid API key');
    const onBehalfOf = request.headers[ON_BEHALF_OF_HEADER];
    const named = key.mayActOnBehalf && typeof onBehalfOf === 'string' && onBehalfOf ? onBehalfOf : undefined;
    return {
      via: 'api_key',
      apiKey: key.name,
      subject: named ?? apiKeySubject(key.name),
      onBehalfOf: named,
      mayActOnBehalf: key.mayActOnBehalf,
    };
  }

  private async fromToken(token: string): Promise<Principal> {
    if (!this.verifier) throw new UnauthenticatedError('this service has no identity provider configured (OIDC_ISSUER)');
    try {
      return { via: 'oidc', subject: await this.verifier.verify(token) };
    } catch (error) {
      throw new UnauthenticatedError(`invalid access token: ${(error as Error).message}`);
    }
  }
}
