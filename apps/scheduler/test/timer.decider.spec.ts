import type { EventDraft } from '@jit/events';
import { DeciderSpecification, sampleData, specEvent } from '@jit/events/testing';
import { timerDecider, type TimerEvent } from '../src/timers/timer.decider.js';

const spec = DeciderSpecification.for(timerDecider);

const expiresAt = '2026-01-01T01:00:00.000Z';
const granted = { type: 'granted', data: { ...sampleData.granted, expiresAt } } satisfies EventDraft<'granted'>;
const extendedTo = (to: string) => ({ type: 'extended', data: { by: 'bob@example.com', expiresAt: to } }) satisfies EventDraft<'extended'>;
const revoked = {
  type: 'revoked',
  data: { reason: 'relinquished', revokedAt: '2026-01-01T00:30:00.000Z' },
} satisfies EventDraft<'revoked'>;
const expired = { type: 'expired', data: { expiresAt } } satisfies EventDraft<'expired'>;

/** The `observe` command for an event, and that event as its cause. */
function observing(draft: EventDraft<TimerEvent['type']>): [{ kind: 'observe'; event: TimerEvent }, { cause: TimerEvent }] {
  const event = specEvent(draft) as TimerEvent;
  return [{ kind: 'observe', event }, { cause: event }];
}

describe('expiry timer rules', () => {
  describe('granted', () => {
    it('arms a pending timer at the grant expiry', () => {
      const state = spec
        .given([])
        .when(...observing(granted))
        .then([]);
      expect(state).toEqual({ status: 'pending', firesAt: new Date(expiresAt) });
    });

    it('seen again does not move or re-arm a timer that is pending, fired or cancelled', () => {
      const again = observing({ ...granted, data: { ...granted.data, expiresAt: '2026-01-01T05:00:00.000Z' } });
      spec
        .given([granted])
        .when(...again)
        .thenNothing();
      spec
        .given([granted, expired])
        .when(...again)
        .thenNothing();
      spec
        .given([granted, revoked])
        .when(...again)
        .thenNothing();
    });

    it('that arrives after its revocation arms nothing, so the grant never expires into a second revocation', () => {
      spec
        .given([revoked])
        .when(...observing(granted))
        .thenNothing();
      spec.given([revoked, granted]).when({ kind: 'fire' }, { at: '2026-01-02T00:00:00.000Z' }).thenNothing();
    });
  });

  describe('extended', () => {
    it('moves a pending timer to the later expiry', () => {
      const state = spec
        .given([granted])
        .when(...observing(extendedTo('2026-01-01T03:00:00.000Z')))
        .then([]);
      expect(state).toEqual({ status: 'pending', firesAt: new Date('2026-01-01T03:00:00.000Z') });
    });

    it('waits for the grant when it arrives first', () => {
      spec
        .given([])
        .when(...observing(extendedTo('2026-01-01T03:00:00.000Z')))
        .thenNotYet();
    });

    it('never moves a timer earlier, so an older extension delivered late changes nothing', () => {
      spec
        .given([granted, extendedTo('2026-01-01T03:00:00.000Z')])
        .when(...observing(extendedTo('2026-01-01T02:00:00.000Z')))
        .thenNothing();
      spec
        .given([granted])
        .when(...observing(extendedTo(expiresAt)))
        .thenNothing();
    });

    it('does not revive a timer that fired or was cancelled', () => {
      spec
        .given([granted, expired])
        .when(...observing(extendedTo('2026-01-01T03:00:00.000Z')))
        .thenNothing();
      spec
        .given([granted, revoked])
        .when(...observing(extendedTo('2026-01-01T03:00:00.000Z')))
        .thenNothing();
    });
  });

  describe('revoked', () => {
    it('cancels a pending timer', () => {
      const state = spec
        .given([granted])
        .when(...observing(revoked))
        .then([]);
      expect(state).toEqual({ status: 'cancelled', firesAt: new Date(expiresAt) });
    });

    it('seen before its grant leaves a tombstone', () => {
      const state = spec
        .given([])
        .when(...observing(revoked))
        .then([]);
      expect(state).toEqual({ status: 'cancelled', firesAt: new Date(revoked.data.revokedAt) });
    });

    it('after the timer fired or was cancelled changes nothing', () => {
      spec
        .given([granted, expired])
        .when(...observing(revoked))
        .thenNothing();
      spec
        .given([granted, revoked])
        .when(...observing(revoked))
        .thenNothing();
    });
  });

  describe('fire', () => {
    it('expires a pending timer once its time has come, and records when it fired', () => {
      const state = spec.given([granted]).when({ kind: 'fire' }, { at: expiresAt }).then([expired]);
      expect(state).toEqual({ status: 'fired', firesAt: new Date(expiresAt), firedAt: new Date(expiresAt) });
    });

    it('fires an overdue timer with the expiry it was due at, not the time it fired', () => {
      spec.given([granted]).when({ kind: 'fire' }, { at: '2026-01-01T03:00:00.000Z' }).then([expired]);
    });

    it('fires at the extended expiry, not the granted one', () => {
      spec
        .given([granted, extendedTo('2026-01-01T03:00:00.000Z')])
        .when({ kind: 'fire' }, { at: '2026-01-01T02:00:00.000Z' })
        .thenNothing();
      spec
        .given([granted, extendedTo('2026-01-01T03:00:00.000Z')])
        .when({ kind: 'fire' }, { at: '2026-01-01T03:00:00.000Z' })
        .then([{ type: 'expired', data: { expiresAt: '2026-01-01T03:00:00.000Z' } }]);
    });

    it('does nothing before the timer is due', () => {
      spec.given([granted]).when({ kind: 'fire' }, { at: '2026-01-01T00:59:59.999Z' }).thenNothing();
    });

    it('fires a timer once: a fired timer does not fire again', () => {
      spec.given([granted, expired]).when({ kind: 'fire' }, { at: '2026-01-01T02:00:00.000Z' }).thenNothing();
    });

    it('does nothing for a cancelled timer or a request with no timer', () => {
      spec.given([granted, revoked]).when({ kind: 'fire' }, { at: '2026-01-01T02:00:00.000Z' }).thenNothing();
      spec.given([]).when({ kind: 'fire' }, { at: '2026-01-01T02:00:00.000Z' }).thenNothing();
    });
  });

  it('ignores the events of a request that do not concern its timer', () => {
    const state = spec
      .given([
        { type: 'requested', data: sampleData.requested },
        { type: 'approval_opened', data: sampleData.approval_opened },
        { type: 'approved', data: sampleData.approved },
        granted,
        { type: 'revoke_requested', data: sampleData.revoke_requested },
        { type: 'revoke_failed', data: sampleData.revoke_failed },
        { type: 'denied', data: sampleData.denied },
        { type: 'cancelled', data: sampleData.cancelled },
        { type: 'grant_failed', data: sampleData.grant_failed },
      ])
      .when({ kind: 'fire' }, { at: expiresAt })
      .then([expired]);
    expect(state).toMatchObject({ status: 'fired' });
  });
});
