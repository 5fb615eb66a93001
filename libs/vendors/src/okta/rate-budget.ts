import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimitReading } from './rate-limit-headers.js';

/** Time as the budget sees it; injectable so the pacing can be tested without waiting. */
export interface BudgetClock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** How an `OktaRateBudget` spends a window. */
export interface RateBudgetOptions {
  /**
   * Share of the window's limit below which calls are paced, so what is left lasts until the reset;
   * above it they go at once. Default 0.5: a burst gets half the window at full speed, and the rest
   * of the org (other loops, replicas, applications) still finds calls left until the reset.
   */
  paceBelow?: number;
  clock?: BudgetClock;
}

/** What Okta has said about the current window. */
interface Window {
  limit: number;
  /** Okta's name for the window: when it resets, in epoch seconds of Okta's clock. */
  reset: number;
  /** When it resets on the local clock; unknown for a window presumed full because the last one has reset and Okta has not answered since. */
  resetAt?: number;
  /** The fewest calls Okta said were left: answers arrive out of order, and the lowest count is the latest. */
  remaining: number;
}

const systemClock: BudgetClock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

/**
 * One Okta org's rate budget, shared by every call a process makes to the org. Okta counts calls per
 * minute-long window and says in every answer how many are left and when the window resets. A call
 * counts here from the moment it is let through: what is left is the lowest count Okta gave minus
 * the calls not answered yet, which Okta may not have counted. While more than `paceBelow` of the
 * limit is left calls go at once; below it they are spaced evenly up to the reset; with nothing left,
 * or after a 429, every caller waits for the reset.
 */
export class OktaRateBudget {
  private readonly paceBelow: number;
  private readonly clock: BudgetClock;
  private window?: Window;
  /** Calls let through so far; each call's ticket is its number. */
  private started = 0;
  /** Calls let through and not answered yet, paced ones still waiting for their slot included. */
  private inFlight = 0;
  /** After a 429: no call before `until`, unless a call let through after the refusal (ticket above `after`) is answered. */
  private hold?: { until: number; after: number };
  /** The earliest a paced call may start after the last one. */
  private nextSlotAt = 0;

  constructor(options: RateBudgetOptions = {}) {
    this.paceBelow = options.paceBelow ?? 0.5;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Waits until the budget lets one more call through, but no longer than `maxWaitMs` (then the call
   * goes anyway, and a 429 tells the caller to come back later); returns the call's ticket for `settle`.
   */
  async take(maxWaitMs = Number.POSITIVE_INFINITY): Promise<number> {
    const giveUpAt = this.clock.now() + maxWaitMs;
    for (;;) {
      const now = this.clock.now();
      const untilFree = this.untilFree(now);
      if (untilFree > 0 && now < giveUpAt) {
        await this.clock.sleep(Math.min(untilFree, giveUpAt - now));
        continue;
      }
      const wait = Math.min(this.reserveSlot(now), Math.max(giveUpAt - now, 0));
      this.inFlight += 1;
      const ticket = ++this.started;
      if (wait > 0) await this.clock.sleep(wait);
      return ticket;
    }
  }

  /** Learns from Okta's answer to the call with `ticket`; `reading` is undefined when the call got none (or one without the headers). */
  settle(ticket: number, reading: RateLimitReading | undefined): void {
    this.inFlight -= 1;
    if (!reading) return;
    if (reading.refused) this.hold = { until: Math.max(this.hold?.until ?? 0, reading.resetAt), after: this.started };
    else if (this.hold && ticket > this.hold.after) this.hold = undefined;
    this.learn(reading);
  }

  private learn({ limit, reset, resetAt, remaining }: RateLimitReading): void {
    const window = this.window;
    if (!window || reset > window.reset) {
      this.window = { limit, reset, resetAt, remaining };
      return;
    }
    // An answer from a window that has reset since says nothing about the one in force.
    if (reset < window.reset || window.resetAt === undefined) return;
    this.window = { limit, reset, resetAt: Math.max(window.resetAt, resetAt), remaining: Math.min(window.remaining, remaining) };
  }

  /** Calls left in the window, those in flight taken off. */
  private left(window: Window): number {
    return window.remaining - this.inFlight;
  }

  /** How long until a call may be let through: after a 429's reset, and after the reset of a spent window. */
  private untilFree(now: number): number {
    const window = this.current(now);
    const spent = window?.resetAt !== undefined && this.left(window) <= 0 ? window.resetAt - now : 0;
    return Math.max(spent, (this.hold?.until ?? now) - now, 0);
  }

  /** How long the next call waits for its slot: none while the budget is ample, an even share of the time to the reset once it runs low. */
  private reserveSlot(now: number): number {
    const window = this.current(now);
    const left = window ? this.left(window) : 0;
    if (window?.resetAt === undefined || left <= 0 || left > window.limit * this.paceBelow) return 0;
    const slot = Math.max(now, this.nextSlotAt);
    this.nextSlotAt = slot + Math.max(window.resetAt - slot, 0) / left;
    return slot - now;
  }

  /** The window in force at `now`: once the last one has reset, a fresh one is presumed full until Okta answers. */
  private current(now: number): Window | undefined {
    const window = this.window;
    if (window?.resetAt !== undefined && now >= window.resetAt) {
      this.window = { limit: window.limit, reset: window.reset, remaining: window.limit };
      this.nextSlotAt = now;
    }
    return this.window;
  }
}

const budgets = new Map<string, OktaRateBudget>();

/** The one rate budget of the Okta org at `orgUrl` in this process, so every client of the org spends the same budget. */
export function oktaRateBudget(orgUrl: string): OktaRateBudget {
  const org = new URL(orgUrl).origin;
  let budget = budgets.get(org);
  if (!budget) budgets.set(org, (budget = new OktaRateBudget()));
  return budget;
}
