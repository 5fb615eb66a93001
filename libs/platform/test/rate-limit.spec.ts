import { CallCounter } from '../src/http/rate-limit.js';

describe('the per-caller call counter', () => {
  it('lets a caller make max calls per window, then answers when the window ends', () => {
    const counter = new CallCounter({ max: 2, windowMs: 60_000 });
    expect(counter.take('alice', 0)).toEqual({ allowed: true });
    expect(counter.take('alice', 1000)).toEqual({ allowed: true });
    expect(counter.take('alice', 1500)).toEqual({ allowed: false, retryAfterSeconds: 59 });
    expect(counter.take('bob', 1500)).toEqual({ allowed: true });
    expect(counter.take('alice', 60_000)).toEqual({ allowed: true });
  });
});

describe('checking a budget without spending it', () => {
  it('says whether more calls fit, and counts nothing', () => {
    const counter = new CallCounter({ max: 2, windowMs: 60_000 });
    expect(counter.check('mallory', 0, 1)).toEqual({ allowed: true });
    counter.take('mallory', 0);
    counter.take('mallory', 0);
    expect(counter.check('mallory', 0)).toEqual({ allowed: true });
    expect(counter.check('mallory', 0, 1)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(counter.check('mallory', 60_000, 1)).toEqual({ allowed: true });
  });
});
