import { RateLimiter } from '../src/okta/rate-limit.js';

describe('RateLimiter', () => {
  it('allows the budget per window and refuses the rest until the window resets', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 60_000, () => now);

    const decisions = [1, 2, 3].map(() => limiter.take());
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(decisions[0].resetAt).toBe(60);
    now = 60_000;
    expect(limiter.take()).toMatchObject({ allowed: true, remaining: 1, resetAt: 120 });
  });
});
