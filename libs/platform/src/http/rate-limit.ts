import { Inject, Injectable, Module, type CanActivate, type DynamicModule, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { Clock, DomainError, formatDuration } from '@jit/events';
import type { Principal } from '../auth/principal.js';

/** How many calls one caller may make in a window. */
export interface RateLimitSettings {
  /** Calls per window and caller; 0 turns the limit off. */
  max: number;
  windowMs: number;
}

/** A caller over its rate limit (429); `Retry-After` says when to come back. */
export class RateLimitedError extends DomainError {
  readonly status = 429;
  readonly code = 'rate_limited';
}

/** Fixed windows per key, in memory: each replica counts its own calls, so the limit is per replica. */
export class CallCounter {
  private windows = new Map<string, { count: number; endsAt: number }>();
  private sweptAt = 0;

  constructor(private readonly settings: RateLimitSettings) {}

  /** Counts a call; answers the seconds until the window ends when the caller is over its limit. */
  take(key: string, now: number): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + this.settings.windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    return this.check(key, now);
  }

  /** Whether a caller's calls so far, and `more` besides, fit its limit, without counting anything. */
  check(key: string, now: number, more = 0): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now || window.count + more <= this.settings.max) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)) };
  }

  // Forgets ended windows once a window, so callers that went away cost no memory.
  private sweep(now: number): void {
    if (now - this.sweptAt < this.settings.windowMs) return;
    this.sweptAt = now;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

const RATE_LIMIT = Symbol('RATE_LIMIT');

// Probes and scrapes come from the platform, not from callers; Slack's calls are signature-checked
// by Bolt and come from Slack's own pool of addresses, which one budget per address would starve.
const UNLIMITED = /^\/(healthz|readyz|metrics)$|^\/slack\//;

/**
 * Limits calls per caller across every route of a service: an authenticated caller by who it is
 * (the API key's name, with the person it acts for; or the person a token names), anyone else by address. A caller over the
 * limit gets 429 with `Retry-After` (seconds), in the JSON error shape of every API.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(RATE_LIMIT) private readonly counter: CallCounter,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    if (UNLIMITED.test(request.path)) return true;
    const taken = this.counter.take(callerOf(request), this.clock.now().getTime());
    if (taken.allowed) return true;
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(taken.retryAfterSeconds));
    throw new RateLimitedError(`too many requests: try again in ${formatDuration(taken.retryAfterSeconds)}`, {
      retryAfterSeconds: taken.retryAfterSeconds,
    });
  }
}

/** Whose budget a call spends: the authenticated caller, else the address it came from. */
function callerOf(request: Request & { principal?: Principal }): string {
  const principal = request.principal;
  // A front end acting for people through one key spends each person's budget, not one for all of them.
  if (principal?.via === 'api_key') return `api_key:${principal.apiKey}${principal.onBehalfOf ? `:${principal.onBehalfOf}` : ''}`;
  if (principal?.via === 'oidc') return `person:${principal.subject}`;
  return addressOf(request);
}

function addressOf(request: Request): string {
  return `address:${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`;
}

/**
 * Express middleware limiting failed authentications per address: a call refused with 401 never
 * reaches `RateLimitGuard` (it runs after `AuthGuard`), so guessing keys or replaying stolen tokens
 * is counted here instead, and an address over its budget gets 429 before any credential is checked.
 */
export function failedAuthenticationLimit(settings: RateLimitSettings, clock: Clock) {
  const failures = new CallCounter(settings);
  return (request: Request, response: Response, next: NextFunction): void => {
    if (UNLIMITED.test(request.path)) return next();
    const address = addressOf(request);
    const now = clock.now().getTime();
    // Refused once the budget is spent: one more failure would not fit.
    const checked = failures.check(address, now, 1);
    if (!checked.allowed) {
      response.setHeader('Retry-After', String(checked.retryAfterSeconds));
      return next(
        new RateLimitedError(`too many failed authentications: try again in ${formatDuration(checked.retryAfterSeconds)}`, {
          retryAfterSeconds: checked.retryAfterSeconds,
        }),
      );
    }
    response.on('finish', () => {
      if (response.statusCode === 401) failures.take(address, clock.now().getTime());
    });
    next();
  };
}

/**
 * Puts every route behind `RateLimitGuard`. Import it after `AuthModule`: global guards run in the
 * order their modules are imported, and the caller is known only once `AuthGuard` has run.
 */
@Module({})
export class RateLimitModule {
  static forRoot(settings: RateLimitSettings): DynamicModule {
    if (settings.max === 0) return { module: RateLimitModule };
    return {
      module: RateLimitModule,
      providers: [
        { provide: RATE_LIMIT, useValue: new CallCounter(settings) },
        { provide: APP_GUARD, useClass: RateLimitGuard },
      ],
    };
  }
}
