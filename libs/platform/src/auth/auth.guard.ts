import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Clock, LoginSchema } from '@jit/events';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import { parseInput } from '../validation.js';
import type { ApiKey } from './api-keys.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import { apiKeySubject, type Principal } from './principal.js';
import { REQUIRED_SCOPE, type Scope } from './scopes.js';
import { TokenVerifier } from './token-verifier.js';

/** Marks a route that needs no bearer token (health, metrics, signature-checked webhooks). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
/** Metadata key under which `@Public()` marks a route. */
export const PUBLIC_ROUTE = 'jit:public';

/** Header an API key with `requests:on-behalf` uses to name the person it acts for. */
export const ON_BEHALF_OF_HEADER = 'on-behalf-of';

/** The scope a key needs to name someone in `On-Behalf-Of` (or a request's `requester`). */
export const ON_BEHALF_SCOPE: Scope = 'requests:on-behalf';

/** A request once authenticated. */
export interface AuthenticatedRequest extends Request {
  principal: Principal;
}

/**
 * Every route needs a bearer token: an access token from the IdP (a JWT verified against its
 * JWKS, issuer and audience) or an API key (looked up by hash). A key is also bounded by its
 * scopes: the route's `@RequireScope`, and `requests:on-behalf` to name someone. A route that
 * declares no scope (and is not `@Public()`) lets no key through, so a forgotten declaration
 * fails closed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ApiKeyVerifier) private readonly apiKeys: ApiKeyVerifier,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier | null,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const required = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, targets);
    request.principal = await this.authenticate(request, required);
    return true;
  }

  private async authenticate(request: Request, required: Scope | undefined): Promise<Principal> {
    const header = request.headers.authorization;
    if (!header) throw new UnauthenticatedError('missing Authorization header: send "Authorization: Bearer <token or API key>"');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthenticatedError('Authorization header must be "Bearer <token or API key>"');
    const credential = match[1];
    const onBehalfOf = request.headers[ON_BEHALF_OF_HEADER];
    if (credential.split('.').length === 3) {
      if (onBehalfOf !== undefined)
        throw new ForbiddenError(`${ON_BEHALF_OF_HEADER}: only an API key with scope ${ON_BEHALF_SCOPE} may name someone`);
      return this.fromToken(credential);
    }
    const key = await this.apiKeys.verify(credential, this.clock.now());
    const route = `${request.method} ${(request.route as { path?: string } | undefined)?.path ?? request.path}`;
    if (!required) throw new ForbiddenError(`${route} declares no scope, so no API key may call it`);
    if (!key.scopes.includes(required)) throw missingScope(key, route, required);
    return { via: 'api_key', apiKey: key.name, scopes: key.scopes, ...this.actingFor(key, onBehalfOf) };
  }

  /** Whom a key acts for: the person it names, when it may name one, or itself. */
  private actingFor(
    key: ApiKey,
    header: string | string[] | undefined,
  ): Pick<Principal & { via: 'api_key' }, 'subject' | 'onBehalfOf' | 'mayActOnBehalf'> {
    const mayActOnBehalf = key.scopes.includes(ON_BEHALF_SCOPE);
    if (header === undefined) return { subject: apiKeySubject(key.name), mayActOnBehalf };
    if (!mayActOnBehalf) throw missingScope(key, `${ON_BEHALF_OF_HEADER}`, ON_BEHALF_SCOPE);
    const person = parseInput(LoginSchema, header, { field: ON_BEHALF_OF_HEADER });
    return { subject: person, onBehalfOf: person, mayActOnBehalf };
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

/** The 403 of a key without the scope something needs; it names the scope, and carries the key's name for a route that records refusals. */
export class MissingScopeError extends ForbiddenError {
  constructor(
    readonly apiKey: string,
    what: string,
    scope: Scope,
  ) {
    super(`API key "${apiKey}" may not do this: ${what} needs scope ${scope}`, { scope });
  }
}

function missingScope(key: ApiKey, what: string, scope: Scope): ForbiddenError {
  return new MissingScopeError(key.name, what, scope);
}
