import { backoffDelay, formatDuration } from '@jit/events';

describe('backoff with jitter', () => {
  const policy = { baseMs: 100, maxMs: 5000 };

  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 10, 60].map((n) => backoffDelay(n, policy, () => 0))).toEqual([100, 200, 400, 800, 5000, 5000]);
  });

  it('takes at most the jitter share off each delay', () => {
    expect(backoffDelay(3, policy, () => 1)).toBe(320);
    expect(backoffDelay(3, { ...policy, jitter: 0.5 }, () => 1)).toBe(200);
    expect(backoffDelay(3, { ...policy, jitter: 0 }, () => 1)).toBe(400);
  });
});

describe('duration text', () => {
  it('reads the same everywhere: largest units first, seconds kept, no days', () => {
    expect([7200, 900, 5400, 90, 20, 86_400, 90_061, 0].map(formatDuration)).toEqual([
      '2h',
      '15m',
      '1h30m',
      '1m30s',
      '20s',
      '24h',
      '25h1m1s',
      '0s',
    ]);
  });
});
