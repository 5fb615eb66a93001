import { OktaRateBudget, oktaRateBudget, type BudgetClock } from '../src/okta/rate-budget.js';
import { readRateLimit, type RateLimitReading } from '../src/okta/rate-limit-headers.js';

/** A clock whose sleeps return at once, moving time on by what was asked. */
class FakeClock implements BudgetClock {
  readonly waits: number[] = [];
  private t = Date.parse('2026-01-01T00:00:00.000Z');

  now(): number {
    return this.t;
  }

  async sleep(ms: number): Promise<void> {
    this.waits.push(ms);
    this.t += ms;
  }
}

describe('the Okta rate budget', () => {
  let clock: FakeClock;
  let budget: OktaRateBudget;
  let start: number;

  beforeEach(() => {
    clock = new FakeClock();
    budget = new OktaRateBudget({ clock });
    start = clock.now();
  });

  /** What Okta would answer with `remaining` calls left of `limit` in the window resetting `resetInMs` after the test's start. */
  function answer(remaining: number, { limit = 100, resetInMs = 60_000, refused = false } = {}): RateLimitReading {
    const resetAt = start + resetInMs;
    return { limit, remaining, reset: Math.ceil(resetAt / 1000), resetAt, refused };
  }

  /** Lets `n` calls through one after another, none answered yet; returns when each started. */
  async function startCalls(n: number, maxWaitMs?: number): Promise<number[]> {
    const starts: number[] = [];
    for (let i = 0; i < n; i++) {
      await budget.take(maxWaitMs);
      starts.push(clock.now() - start);
    }
    return starts;
  }

  it('lets calls through at once while more than half of the window is left', async () => {
    budget.settle(await budget.take(), answer(90));

    await startCalls(40);
    expect(clock.waits).toEqual([]);

    await startCalls(2);
    expect(clock.waits).toHaveLength(1);
  });

  it('spaces the last half of the window evenly, so it lasts until the reset', async () => {
    budget.settle(await budget.take(), answer(50, { resetInMs: 50_000 }));

    const starts = await startCalls(51);

    expect(starts.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, i) => i * 1000));
    expect(starts[50]).toBe(50_000);
  });

  it('counts the calls let through against the window before Okta answers them', async () => {
    budget.settle(await budget.take(), answer(3));

    expect(await startCalls(4)).toEqual([0, 20_000, 40_000, 60_000]);
  });

  it('holds every call until the reset once the window is spent, then lets them go at once', async () => {
    budget.settle(await budget.take(), answer(0, { resetInMs: 30_000 }));

    expect(await startCalls(5)).toEqual(Array(5).fill(30_000));
  });

  it('after a 429, holds calls until the reset, and the answer to a call made after it lifts the hold', async () => {
    budget.settle(await budget.take(), answer(95, { refused: true }));

    const retry = await budget.take(200);
    expect(clock.waits).toEqual([200]);
    budget.settle(retry, answer(94));

    expect(await startCalls(10)).toEqual(Array(10).fill(200));
  });

  it('keeps the lowest count of a window, so an answer arriving late cannot make it look fuller than it is', async () => {
    const earlier = await budget.take();
    const later = await budget.take();
    budget.settle(later, answer(0, { resetInMs: 10_000 }));
    budget.settle(earlier, answer(1, { resetInMs: 10_000 }));

    expect(await startCalls(1)).toEqual([10_000]);
  });

  it('presumes a window that has reset full, and an answer from the old window does not spend it', async () => {
    const late = await budget.take();
    budget.settle(await budget.take(), answer(0, { resetInMs: 10_000 }));
    await startCalls(1);
    budget.settle(late, answer(0, { resetInMs: 10_000 }));

    expect(await startCalls(40)).toEqual(Array(40).fill(10_000));
  });

  it("never waits longer than the caller allows: the call then goes, and Okta's answer decides", async () => {
    budget.settle(await budget.take(), answer(0));

    expect(await startCalls(1, 500)).toEqual([500]);
  });
});

describe("reading Okta's rate-limit headers", () => {
  const receivedAt = Date.parse('2026-01-01T00:05:00.000Z');

  function headers(values: Record<string, string>): Headers {
    return new Headers(values);
  }

  it("measures the reset against Okta's Date header, so a skewed local clock waits neither too little nor too long", () => {
    const okta = headers({
      'x-rate-limit-limit': '600',
      'x-rate-limit-remaining': '42',
      'x-rate-limit-reset': String(Date.parse('2026-01-01T00:00:30.000Z') / 1000),
      // Okta's clock is five minutes behind ours.
      date: 'Thu, 01 Jan 2026 00:00:00 GMT',
    });

    expect(readRateLimit(okta, 200, receivedAt)).toEqual({
      limit: 600,
      remaining: 42,
      reset: Date.parse('2026-01-01T00:00:30.000Z') / 1000,
      resetAt: receivedAt + 30_000,
      refused: false,
    });
  });

  it('reads a 429 as a refusal, whatever the count says', () => {
    const refused = headers({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '599', 'x-rate-limit-reset': '1767225630' });

    expect(readRateLimit(refused, 429, receivedAt)).toMatchObject({ remaining: 599, refused: true });
  });

  it('reads nothing from an answer without the rate-limit headers', () => {
    expect(readRateLimit(headers({ date: 'Thu, 01 Jan 2026 00:00:00 GMT' }), 503, receivedAt)).toBeUndefined();
  });
});

describe('the rate budget of an org', () => {
  it('is one per Okta org in a process, however its URL is written', () => {
    const budget = oktaRateBudget('https://acme.okta.com');

    expect(oktaRateBudget('https://ACME.okta.com/')).toBe(budget);
    expect(oktaRateBudget('https://acme.okta.com/api/v1')).toBe(budget);
    expect(oktaRateBudget('https://other.okta.com')).not.toBe(budget);
  });
});
