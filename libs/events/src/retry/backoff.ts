/** How retries spread out: exponential from `baseMs`, capped at `maxMs`, with a random share taken off. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** The share of each delay that is random (0 to 1), so replicas retrying together spread out. Default 0.2. */
  jitter?: number;
}

/**
 * The delay before retry number `attempt` (1 for the first retry): `baseMs · 2^(attempt-1)`, capped
 * at `maxMs`, less up to `jitter` of it at random. `random` is injectable so tests can pin it.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const jitter = Math.min(Math.max(policy.jitter ?? 0.2, 0), 1);
  return Math.round(ceiling * (1 - jitter * random()));
}
