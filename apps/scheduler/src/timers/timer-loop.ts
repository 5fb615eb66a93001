import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@jit/events';
import { PeriodicTask, SERVICE_CONFIG } from '@jit/platform';
import type { SchedulerConfig } from '../scheduler.config.js';
import { TimerPipeline } from './timer.pipeline.js';
import { claimDueTimers, nextFiresAt, timersChannel } from './timer.store.js';

/** Timers fired per transaction; a larger backlog drains over consecutive ticks without waiting. */
const BATCH_SIZE = 100;

/**
 * Fires due timers: each round claims pending timers whose time has come and asks the timer rules
 * to fire each one, so its `fired` state and its `expired` event commit together. Between rounds it
 * sleeps until the next timer is due (woken at once when a timer is armed or moved), with
 * `SCHEDULER_TICK_MS` as the longest sleep while it cannot listen for that, `QUIET_INTERVAL_MS`
 * while it can. Timers live in Postgres, so expiries that passed while
 * no scheduler ran fire on the first round after start-up.
 */
@Injectable()
export class TimerLoop extends PeriodicTask {
  constructor(
    private readonly dataSource: DataSource,
    private readonly timers: TimerPipeline,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: SchedulerConfig,
  ) {
    super();
    this.wakeOnAnnouncements(dataSource, timersChannel(dataSource), clock);
  }

  protected get intervalMs(): number {
    return this.config.SCHEDULER_TICK_MS;
  }

  protected override async msUntilNextDue(): Promise<number | undefined> {
    const next = await nextFiresAt(this.dataSource.manager);
    return next && next.getTime() - this.clock.now().getTime();
  }

  /** Fires every timer due now, in batches; returns how many fired. */
  async tick(): Promise<number> {
    let total = 0;
    for (;;) {
      const { claimed, fired } = await this.fireBatch();
      total += fired;
      if (claimed < BATCH_SIZE || !this.running) return total;
    }
  }

  private fireBatch(): Promise<{ claimed: number; fired: number }> {
    return this.dataSource.transaction(async (manager) => {
      const due = await claimDueTimers(manager, this.clock.now(), BATCH_SIZE);
      let fired = 0;
      for (const requestId of due) {
        const outcome = await this.timers.run({ requestId, command: { kind: 'fire' }, actor: 'service:scheduler', manager });
        if (outcome.kind !== 'done') continue;
        fired++;
        for (const event of outcome.events)
          this.logger.log({ requestId, eventId: event.id, type: event.type, ...event.data }, 'timer fired');
      }
      return { claimed: due.length, fired };
    });
  }
}
