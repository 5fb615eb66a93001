import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';

/**
 * Runs `tick()` from application bootstrap until shutdown, one tick at a time, `intervalMs` after
 * the previous one ends. Shutdown waits for the tick in flight, so its transaction commits or rolls
 * back before the connections close. A failed tick is logged and the next one runs as usual.
 */
export abstract class PeriodicTask implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  /** True from bootstrap until shutdown begins; long ticks check it to stop early. */
  protected running = false;
  private timeout?: NodeJS.Timeout;
  private current?: Promise<unknown>;

  /** Milliseconds between the end of one tick and the start of the next. */
  protected abstract get intervalMs(): number;

  /** One round of work. */
  abstract tick(): Promise<unknown>;

  onApplicationBootstrap(): void {
    this.running = true;
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    clearTimeout(this.timeout);
    await this.current?.catch(() => undefined);
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
      this.logger.error({ err: error }, `${this.constructor.name} tick failed; retrying on the next tick`);
    } finally {
      this.current = undefined;
      if (this.running) this.schedule(this.intervalMs);
    }
  }
}
