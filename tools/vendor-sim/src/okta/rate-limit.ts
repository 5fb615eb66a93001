/** What one request learned from the rate limiter; becomes the `X-Rate-Limit-*` headers. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds at which the window resets (Okta's `X-Rate-Limit-Reset`). */
  resetAt: number;
}

/** A fixed one-minute window with a request budget, as Okta's per-minute org limits behave. */
export class RateLimiter {
  private windowStart = 0;
  private used = 0;
  private limit: number;

  constructor(
    private readonly initialLimit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {
    this.limit = initialLimit;
  }

  /** Counts one request against the budget. */
  take(): RateLimitDecision {
    const now = this.now();
    if (now >= this.windowStart + this.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    const allowed = this.used < this.limit;
    if (allowed) this.used += 1;
    return {
      allowed,
      limit: this.limit,
      remaining: this.limit - this.used,
      resetAt: Math.ceil((this.windowStart + this.windowMs) / 1000),
    };
  }

  /** From now on allows `limit` requests a window, starting with a fresh window (as when an org's limit is changed). */
  setLimit(limit: number): void {
    this.limit = limit;
    this.freshWindow();
  }

  /** Requests allowed a window. */
  get perWindow(): number {
    return this.limit;
  }

  /** Back to the budget it started with, in a fresh window. */
  reset(): void {
    this.setLimit(this.initialLimit);
  }

  private freshWindow(): void {
    this.windowStart = 0;
    this.used = 0;
  }
}
