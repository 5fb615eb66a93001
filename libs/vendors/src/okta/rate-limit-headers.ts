/** What one Okta answer said about the org's rate limit, from its `X-Rate-Limit-*` headers. */
export interface RateLimitReading {
  /** Calls the window allows (`X-Rate-Limit-Limit`). */
  limit: number;
  /** Calls left in the window as Okta counted them when it answered (`X-Rate-Limit-Remaining`). */
  remaining: number;
  /** When the window resets, in epoch seconds of Okta's clock (`X-Rate-Limit-Reset`); it names the window. */
  reset: number;
  /** When the window resets on the local clock. */
  resetAt: number;
  /** Okta refused the call (429): nothing more until the reset, whatever the count says. */
  refused: boolean;
}

/** Response headers as node-fetch (and the SDK's errors) expose them. */
export interface HeaderSource {
  get(name: string): string | null;
}

/**
 * Reads the rate limit from an Okta answer received at `receivedAt` (local epoch ms); undefined when
 * the headers are missing (a proxy's answer, a network failure). Okta's reset is measured against
 * its own `Date` header, so a skewed local clock neither waits too little nor too long. `Date` has
 * whole seconds and was written before the answer travelled, so the wait it gives is never short.
 */
export function readRateLimit(headers: HeaderSource, status: number, receivedAt: number): RateLimitReading | undefined {
  const limit = Number(headers.get('x-rate-limit-limit') ?? NaN);
  const remaining = Number(headers.get('x-rate-limit-remaining') ?? NaN);
  const reset = Number(headers.get('x-rate-limit-reset') ?? NaN);
  if (![limit, remaining, reset].every(Number.isFinite) || limit <= 0 || reset <= 0) return undefined;
  const serverNow = Date.parse(headers.get('date') ?? '');
  const untilReset = reset * 1000 - (Number.isFinite(serverNow) ? serverNow : receivedAt);
  return { limit, remaining: Math.max(remaining, 0), reset, resetAt: receivedAt + Math.max(untilReset, 0), refused: status === 429 };
}
