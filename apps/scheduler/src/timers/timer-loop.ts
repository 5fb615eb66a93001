import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, Outbox, createEvent } from '@jit/events';
import { PeriodicTask, SERVICE_CONFIG } from '@jit/platform';
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
export class TimerLoop extends PeriodicTask {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: SchedulerConfig,
  ) {
    super();
  }

  protected get intervalMs(): number {
    return this.config.SCHEDULER_TICK_MS;
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
