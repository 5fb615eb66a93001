import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PgListener, type Clock } from '@jit/events';

/** The shortest wait between ticks: work due now but held by another replica is not polled in a busy loop. */
const MIN_WAIT_MS = 10;

/**
 * The longest wait while the task hears of new work as it commits (`wakeOnAnnouncements`): such work wakes
 * it and `msUntilNextDue()` says when known work falls due, so this only bounds a notification lost
 * without its connection failing.
 */
export const QUIET_INTERVAL_MS = 10_000;

/**
 * Runs `tick()` from application bootstrap until shutdown, one tick at a time. After a tick it
 * waits `intervalMs` (`QUIET_INTERVAL_MS` while it listens for announced work), or less when
 * `msUntilNextDue()` knows the next work falls due sooner, and `wake()` (a NOTIFY that work was
 * committed, say) cuts any wait short. Shutdown waits for the tick in flight, so its transaction
 * commits or rolls back before the connections close. A failed tick is logged and the next one
 * runs as usual.
 */
export abstract class PeriodicTask implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  /** True from bootstrap until shutdown begins; long ticks check it to stop early. */
  protected running = false;
  private timeout?: NodeJS.Timeout;
  /** When the next tick is set to run (Date.now() terms), while the task sleeps. */
  private nextRunAt?: number;
  private current?: Promise<unknown>;
  /** Set by a `wake()` during a tick: work may have arrived after the tick looked. */
  private wokenDuringTick = false;

  /** Milliseconds between the end of one tick and the start of the next, at most. */
  protected abstract get intervalMs(): number;

  /** One round of work. */
  abstract tick(): Promise<unknown>;

  /** Milliseconds until the next known work falls due (0 or less: now); undefined when none is known. */
  protected msUntilNextDue?(): Promise<number | undefined>;

  private listener?: PgListener;

  /**
   * Wakes the task whenever a transaction that commits work announces it on `channel`, and when
   * `clock` jumps (a test's clock). While it listens it sleeps up to `QUIET_INTERVAL_MS` rather than
   * `intervalMs`: only a task whose `msUntilNextDue()` knows when every known item falls due may call this.
   */
  protected wakeOnAnnouncements(dataSource: DataSource, channel: string, clock: Clock): void {
    this.listener = new PgListener(dataSource, channel, (payload) => {
      // Work announced as due later than the task's next tick (a timer two hours out) changes nothing.
      const dueAt = Date.parse(payload);
      if (this.nextRunAt !== undefined && dueAt - clock.now().getTime() >= this.nextRunAt - Date.now()) return;
      this.wake();
    });
    clock.onJump(() => this.wake());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener?.listen();
    this.running = true;
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    clearTimeout(this.timeout);
    await this.current?.catch(() => undefined);
    await this.listener?.close();
  }

  /** Runs a tick now, or right after the one in flight, instead of waiting. */
  wake(): void {
    if (!this.running) return;
    if (this.current) {
      this.wokenDuringTick = true;
      return;
    }
    clearTimeout(this.timeout);
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    this.nextRunAt = Date.now() + Math.max(0, delayMs);
    this.timeout = setTimeout(() => void this.run(), Math.max(0, delayMs));
  }

  private async run(): Promise<void> {
    this.nextRunAt = undefined;
    if (!this.running || this.current) return;
    this.wokenDuringTick = false;
    this.current = this.tick();
    let delay = this.intervalMs;
    try {
      await this.current;
      // A lost LISTEN connection is taken up again here; until it is, the tick bounds the wait.
      if (this.listener && (await this.listener.listen())) delay = Math.max(delay, QUIET_INTERVAL_MS);
      if (this.wokenDuringTick) delay = 0;
      else if (this.msUntilNextDue) delay = Math.min(delay, Math.max(MIN_WAIT_MS, (await this.msUntilNextDue()) ?? delay));
    } catch (error) {
      this.logger.error({ err: error }, `${this.constructor.name} tick failed; retrying on the next tick`);
    } finally {
      this.current = undefined;
      // A wake that came while the wait was being worked out (a query) must not wait for it.
      if (this.running) this.schedule(this.wokenDuringTick ? 0 : delay);
    }
  }
}
