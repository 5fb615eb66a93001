import { backoffDelay, type BackoffPolicy } from '@jit/events/bus';

/** When a crashed child is started again, and when the supervisor gives up. */
export interface RestartSettings {
  /** Crashes within `windowMs` after which the supervisor stops everything. */
  maxCrashes: number;
  windowMs: number;
  /** Delay before each restart, growing with the crashes in the window. */
  backoff: BackoffPolicy;
}

/** What to do about one crash. */
export type RestartDecision = { action: 'restart'; delayMs: number; crashes: number } | { action: 'give_up'; crashes: number };

/** The default: five crashes within a minute stop the system; restarts wait 0.5 s, 1 s, 2 s, ... up to 10 s. */
export const defaultRestartSettings: RestartSettings = { maxCrashes: 5, windowMs: 60_000, backoff: { baseMs: 500, maxMs: 10_000 } };

/**
 * Counts one child's crashes in a sliding window. A service that dies (killed, out of memory) is
 * started again, because nothing revokes access while it is down; one that keeps dying is a
 * problem a person must see, so the supervisor then stops with a clear message.
 */
export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly settings: RestartSettings = defaultRestartSettings,
    private readonly random: () => number = Math.random,
  ) {}

  /** Records a crash at `now` (ms) and says whether to restart, and after how long. */
  onCrash(now: number): RestartDecision {
    this.crashes = [...this.crashes.filter((at) => now - at < this.settings.windowMs), now];
    const crashes = this.crashes.length;
    if (crashes >= this.settings.maxCrashes) return { action: 'give_up', crashes };
    return { action: 'restart', delayMs: backoffDelay(crashes, this.settings.backoff, this.random), crashes };
  }
}
