import { decideTimer, type Timer } from '../src/timers/timer.decider.js';

const requestId = '7d0c4f7e-34c1-4b8e-9a53-2b1f0b3f0a11';
const at = (iso: string): Date => new Date(iso);
const pending: Timer = { requestId, firesAt: at('2026-01-01T01:00:00Z'), status: 'pending' };

describe('expiry timer rules', () => {
  it('a grant arms a pending timer at its expiry', () => {
    expect(decideTimer({ kind: 'arm', requestId, firesAt: at('2026-01-01T01:00:00Z') }, undefined)).toEqual({
      kind: 'store',
      timer: pending,
    });
  });

  it('a grant seen again does not re-arm a timer that already fired or was cancelled', () => {
    const command = { kind: 'arm', requestId, firesAt: at('2026-01-01T02:00:00Z') } as const;
    expect(decideTimer(command, { ...pending, status: 'fired' })).toEqual({ kind: 'unchanged' });
    expect(decideTimer(command, { ...pending, status: 'cancelled' })).toEqual({ kind: 'unchanged' });
  });

  it('an extension moves a pending timer and waits for a timer not armed yet', () => {
    const command = { kind: 'move', requestId, firesAt: at('2026-01-01T03:00:00Z') } as const;
    expect(decideTimer(command, pending)).toEqual({ kind: 'store', timer: { ...pending, firesAt: at('2026-01-01T03:00:00Z') } });
    expect(decideTimer(command, undefined)).toMatchObject({ kind: 'not_ready' });
    expect(decideTimer(command, { ...pending, status: 'fired' })).toEqual({ kind: 'unchanged' });
  });

  it('a revocation cancels a pending timer and leaves a tombstone when it comes first', () => {
    const command = { kind: 'cancel', requestId, at: at('2026-01-01T00:30:00Z') } as const;
    expect(decideTimer(command, pending)).toEqual({ kind: 'store', timer: { ...pending, status: 'cancelled' } });
    expect(decideTimer(command, undefined)).toEqual({
      kind: 'store',
      timer: { requestId, firesAt: at('2026-01-01T00:30:00Z'), status: 'cancelled' },
    });
    expect(decideTimer(command, { ...pending, status: 'fired' })).toEqual({ kind: 'unchanged' });
  });

  it('a timer fires once, and only when due', () => {
    expect(decideTimer({ kind: 'fire', at: at('2026-01-01T00:59:59Z') }, pending)).toEqual({ kind: 'unchanged' });
    const fired = decideTimer({ kind: 'fire', at: at('2026-01-01T01:00:00Z') }, pending);
    expect(fired).toEqual({ kind: 'store', timer: { ...pending, status: 'fired', firedAt: at('2026-01-01T01:00:00Z') } });
    expect(decideTimer({ kind: 'fire', at: at('2026-01-01T01:00:01Z') }, { ...pending, status: 'fired' })).toEqual({ kind: 'unchanged' });
  });
});
