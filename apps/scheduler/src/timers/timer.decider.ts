/** Whether a timer still has to fire. */
export type TimerStatus = 'pending' | 'fired' | 'cancelled';

/** One grant's expiry timer. */
export interface Timer {
  requestId: string;
  firesAt: Date;
  status: TimerStatus;
  firedAt?: Date;
}

/** What can happen to a timer. */
export type TimerCommand =
  | { kind: 'arm'; requestId: string; firesAt: Date }
  | { kind: 'move'; requestId: string; firesAt: Date }
  | { kind: 'cancel'; requestId: string; at: Date }
  | { kind: 'fire'; at: Date };

/** The outcome of a command: the timer to store, nothing to do, or "not yet" (retry once earlier events arrive). */
export type TimerDecision = { kind: 'store'; timer: Timer } | { kind: 'unchanged' } | { kind: 'not_ready'; reason: string };

/**
 * The rules of expiry timers. A timer fires once; a cancelled or fired timer never comes back,
 * so a grant event that arrives after its revocation cannot re-arm it.
 */
export function decideTimer(command: TimerCommand, timer: Timer | undefined): TimerDecision {
  switch (command.kind) {
    case 'arm':
      if (timer) return { kind: 'unchanged' };
      return { kind: 'store', timer: { requestId: command.requestId, firesAt: command.firesAt, status: 'pending' } };
    case 'move':
      if (!timer) return { kind: 'not_ready', reason: `no timer for ${command.requestId} yet` };
      if (timer.status !== 'pending') return { kind: 'unchanged' };
      return { kind: 'store', timer: { ...timer, firesAt: command.firesAt } };
    case 'cancel':
      // A tombstone for a revocation seen before its grant keeps that grant from arming a timer later.
      if (!timer) return { kind: 'store', timer: { requestId: command.requestId, firesAt: command.at, status: 'cancelled' } };
      if (timer.status !== 'pending') return { kind: 'unchanged' };
      return { kind: 'store', timer: { ...timer, status: 'cancelled' } };
    case 'fire':
      if (!timer || timer.status !== 'pending' || timer.firesAt > command.at) return { kind: 'unchanged' };
      return { kind: 'store', timer: { ...timer, status: 'fired', firedAt: command.at } };
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
