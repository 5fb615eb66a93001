import { accept, nothing, notYet, type AccessEvent, type Decider, type Decision } from '@jit/events';

/**
 * One grant's expiry timer. A timer fires once; a fired or cancelled timer never comes back, so a
 * `granted` that arrives after its revocation (a tombstone) cannot arm it.
 */
export type TimerState =
  | { status: 'none' }
  | { status: 'pending'; firesAt: Date }
  | { status: 'fired'; firesAt: Date; firedAt: Date }
  | { status: 'cancelled'; firesAt: Date };

/** The events that move a timer. */
export type TimerEvent = AccessEvent<'granted' | 'extended' | 'revoked'>;

/** What can happen to a timer: an event of the grant is observed, or the loop asks whether it is due. */
export type TimerCommand = { kind: 'observe'; event: TimerEvent } | { kind: 'fire' };

/** The rules of expiry timers: `granted` arms, `extended` moves later, `revoked` cancels, `fire` emits `expired` once due. */
export const timerDecider: Decider<TimerCommand, TimerState, 'expired'> = {
  initialState: { status: 'none' },

  decide(command, state, now) {
    switch (command.kind) {
      case 'observe':
        return observe(command.event, state);
      case 'fire':
        if (state.status !== 'pending') return nothing(`the timer is ${state.status}`);
        if (state.firesAt > now) return nothing(`the timer is due at ${state.firesAt.toISOString()}`);
        return accept({ type: 'expired', data: { expiresAt: state.firesAt.toISOString() } });
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'granted':
        return state.status === 'none' ? { status: 'pending', firesAt: new Date(event.data.expiresAt) } : state;
      case 'extended':
        return state.status === 'pending' ? { status: 'pending', firesAt: later(state.firesAt, new Date(event.data.expiresAt)) } : state;
      case 'revoked':
        if (state.status === 'none') return { status: 'cancelled', firesAt: new Date(event.data.revokedAt) };
        return state.status === 'pending' ? { status: 'cancelled', firesAt: state.firesAt } : state;
      case 'expired':
        return state.status === 'pending' ? { status: 'fired', firesAt: state.firesAt, firedAt: new Date(event.occurredAt) } : state;
      case 'requested':
      case 'approval_opened':
      case 'approval_escalated':
      case 'approved':
      case 'denied':
      case 'cancelled':
      case 'grant_retrying':
      case 'grant_failed':
      case 'revoke_requested':
      case 'revoke_failed':
      case 'ticket_opened':
      case 'ticket_closed':
      case 'extension_requested':
      case 'extension_approved':
      case 'extension_denied':
        return state;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
};

function observe(event: TimerEvent, state: TimerState): Decision<'expired'> {
  switch (event.type) {
    case 'granted':
      return state.status === 'none' ? accept() : nothing(`a timer exists already (${state.status})`);
    case 'extended':
      if (state.status === 'none') return notYet('no timer until the grant is seen');
      if (state.status !== 'pending') return nothing(`the timer is ${state.status}`);
      return new Date(event.data.expiresAt) > state.firesAt ? accept() : nothing('the timer already fires at or after the new expiry');
    case 'revoked':
      // A revocation seen before its grant is kept as a tombstone, so the late grant arms nothing.
      return state.status === 'none' || state.status === 'pending' ? accept() : nothing(`the timer is ${state.status}`);
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function later(a: Date, b: Date): Date {
  return a >= b ? a : b;
}
