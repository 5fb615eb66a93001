import { RateLimiter } from '../../tools/vendor-sim/src/okta/rate-limit.js';

/** The Okta budget of the simulators in this process, changeable while they run. */
export interface SimOktaBudget {
  /** From now on, `perMinute` calls a minute, in a fresh window that opens with the next call. */
  set(perMinute: number): void;
}

/**
 * The simulator fixes its Okta budget when it starts and offers no way to change it at run time, while
 * a benchmark needs a generous one to set up its grants and Okta's real one to measure. This takes the
 * simulator's limiter over: every Okta call of every simulator in the process counts against the one
 * budget set here, with the simulator's own fixed-window rules and `X-Rate-Limit-*` headers.
 */
export function takeOverSimOktaBudget(perMinute: number): SimOktaBudget {
  const take = RateLimiter.prototype.take;
  let limiter = new RateLimiter(perMinute);
  RateLimiter.prototype.take = () => take.call(limiter);
  return {
    set: (next) => {
      limiter = new RateLimiter(next);
    },
  };
}
