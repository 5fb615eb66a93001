import { waitFor } from '@jit/events/testing';
import { PeriodicTask } from '../src/periodic-task.js';

/** A task with a minute between ticks, whose next-due question the test answers when it likes. */
class Probe extends PeriodicTask {
  ticks = 0;
  private answer?: () => void;

  protected get intervalMs(): number {
    return 60_000;
  }

  async tick(): Promise<void> {
    this.ticks += 1;
  }

  protected override async msUntilNextDue(): Promise<number | undefined> {
    await new Promise<void>((resolve) => (this.answer = resolve));
    return undefined;
  }

  /** Answers the pending next-due question, once one is asked. */
  async answerNextDue(): Promise<void> {
    await waitFor(() => this.answer !== undefined, { what: 'the next-due question' });
    this.answer!();
    this.answer = undefined;
  }
}

describe('PeriodicTask', () => {
  it('a wake that comes while the task works out its wait runs the next tick at once, not after the wait', async () => {
    const task = new Probe();
    await task.onApplicationBootstrap();
    try {
      await waitFor(() => task.ticks === 1, { what: 'the first tick' });
      // The tick is over and the task is asking when its next work falls due (a query, in a real loop).
      task.wake();
      await task.answerNextDue();
      await waitFor(() => task.ticks === 2, { what: 'the tick the wake asked for', timeoutMs: 5000 });
    } finally {
      const stopping = task.beforeApplicationShutdown();
      await task.answerNextDue().catch(() => undefined);
      await stopping;
    }
  });
});
