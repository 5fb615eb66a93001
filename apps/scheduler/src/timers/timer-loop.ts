import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, Outbox, createEvent } from '@jit/events';
import { SERVICE_CONFIG } from '@jit/platform';
import type { SchedulerConfig } from '../scheduler.config.js';
import { decideTimer } from './timer.decider.js';
import { claimDueTimers, saveTimer } from './timer.store.js';

/** Timers fired per transaction; a larger backlog drains over consecutive ticks without waiting. */
const BATCH_SIZE = 100;

/**
 * Fires due timers: every tick it claims pending timers whose time has come, marks them fired and
 * enqueues `expired` in the same transaction. Timers live in Postgres, so expiries that passed
 * while no scheduler ran fire on the first tick after start-up.
 */
@Injectable()
export class TimerLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TimerLoop.name);
  private running = false;
  private timeout?: NodeJS.Timeout;
  private current?: Promise<number>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: SchedulerConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.schedule(0);
  }

  /** Stops ticking and waits for a tick in flight, so its transaction commits or rolls back before connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    clearTimeout(this.timeout);
    await this.current?.catch(() => undefined);
  }

  /** Fires every timer due now, in batches; returns how many fired. */
  async tick(): Promise<number> {
    let total = 0;
    for (;;) {
      const fired = await this.fireBatch();
      total += fired;
      if (fired < BATCH_SIZE || !this.running) return total;
    }
  }

  private schedule(delayMs: number): void {
    this.timeout = setTimeout(() => void this.run(), delayMs);
  }

  private async run(): Promise<void> {
    if (!this.running) return;
    this.current = this.tick();
    try {
      await this.current;
    } catch (error) {
      this.logger.error({ err: error }, 'timer tick failed; retrying on the next tick');
    } finally {
      this.current = undefined;
      if (this.running) this.schedule(this.config.SCHEDULER_TICK_MS);
    }
  }

  private fireBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const due = await claimDueTimers(manager, now, BATCH_SIZE);
      for (const timer of due) {
        const decision = decideTimer({ kind: 'fire', at: now }, timer);
        if (decision.kind !== 'store') continue;
        await saveTimer(manager, decision.timer, now);
        const expired = createEvent(
          { type: 'expired', data: { expiresAt: timer.firesAt.toISOString() } },
          { requestId: timer.requestId, actor: 'service:scheduler' },
          this.clock,
        );
        await this.outbox.enqueue(manager, [expired]);
        this.logger.log({ requestId: timer.requestId, eventId: expired.id, expiresAt: expired.data.expiresAt }, 'timer fired');
      }
      return due.length;
    });
  }
}
