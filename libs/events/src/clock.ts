/** The source of time. Inject it wherever time matters so tests can control it. */
export abstract class Clock {
  abstract now(): Date;

  /**
   * Calls `listener` whenever the time jumps rather than passes (a test's clock moved forward), so a
   * loop sleeping until some work falls due can look again. The wall clock never jumps.
   */
  onJump(listener: () => void): void {
    void listener;
  }
}

/** The wall clock. */
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that moves only when told to. */
export class ManualClock extends Clock {
  private current: Date;
  private readonly jumpListeners: (() => void)[] = [];

  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    super();
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  override onJump(listener: () => void): void {
    this.jumpListeners.push(listener);
  }

  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.set(new Date(this.current.getTime() + ms));
  }

  /** Sets the time. */
  set(to: Date | string): void {
    this.current = new Date(to);
    for (const listener of this.jumpListeners) listener();
  }
}
