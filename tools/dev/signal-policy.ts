/** What one SIGINT or SIGTERM asks of the supervisor. */
export type SignalAction = 'stop' | 'ignore' | 'force';

/**
 * A terminal's Ctrl-C reaches the supervisor twice: once from the terminal (it signals the whole
 * process group) and once forwarded by npm, a few milliseconds later. Signals within `echoMs` of the
 * first are that echo; a later one is the person pressing Ctrl-C again, which forces the stop.
 */
export class SignalPolicy {
  private firstAt: number | undefined;

  constructor(private readonly echoMs = 1000) {}

  /** Records a signal received at `now` (ms) and says what to do. */
  onSignal(now: number): SignalAction {
    if (this.firstAt === undefined) {
      this.firstAt = now;
      return 'stop';
    }
    return now - this.firstAt < this.echoMs ? 'ignore' : 'force';
  }
}
