import { z } from 'zod';
import { ManualClock, createEvent, decodeEvent, eventRegistry, eventTypes, type EventRegistry } from '@jit/events';
import { sampleEvent } from '@jit/events/testing';

describe('event contracts', () => {
  it('every event type round-trips through JSON and decodes to itself', () => {
    for (const type of eventTypes) {
      const event = sampleEvent(type, 'req-1');
      const decoded = decodeEvent(JSON.parse(JSON.stringify(event)));
      expect(decoded).toEqual({ ok: true, event });
    }
  });

  it('refuses data that breaks its schema and names the field', () => {
    const event = sampleEvent('requested', 'req-1');
    const broken = { ...event, data: { ...event.data, durationSeconds: -5 } };
    const decoded = decodeEvent(broken);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toMatch(/durationSeconds/);
  });

  it('refuses an unknown event type, an unknown version and a broken envelope', () => {
    const event = sampleEvent('granted', 'req-1');
    expect(decodeEvent({ ...event, type: 'teleported' })).toEqual({ ok: false, reason: 'unknown event type "teleported"' });
    expect(decodeEvent({ ...event, version: 7 })).toEqual({ ok: false, reason: 'unknown version 7 of "granted"' });
    const noId = decodeEvent({ ...event, id: 'nope' });
    expect(!noId.ok && noId.reason).toMatch(/^invalid envelope: id/);
  });

  it('upcasts an old version to the latest before a handler sees it', () => {
    const V1 = z.object({ minutes: z.number() });
    const V2 = z.object({ seconds: z.number() });
    const registry: EventRegistry = {
      ...eventRegistry,
      extended: {
        versions: { 1: V1, 2: V2 },
        latest: 2,
        schema: V2,
        upcasters: { 1: (d) => ({ seconds: (d as { minutes: number }).minutes * 60 }) },
      },
    };
    const old = { ...sampleEvent('extended', 'req-1'), version: 1, data: { minutes: 3 } };
    expect(decodeEvent(old, registry)).toEqual({ ok: true, event: { ...old, version: 2, data: { seconds: 180 } } });
  });

  it('stamps id, time and causal links from the clock and the cause', () => {
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const cause = sampleEvent('requested', 'req-9', clock);
    clock.advance(1000);
    const next = createEvent(
      { type: 'approved', data: { stage: 0, approver: 'bob', final: true } },
      { requestId: 'req-9', actor: 'bob', cause },
      clock,
    );
    expect(next).toMatchObject({
      occurredAt: '2026-03-01T10:00:01.000Z',
      correlationId: cause.correlationId,
      causationId: cause.id,
      version: 2,
    });
    expect(cause).toMatchObject({ correlationId: 'req-9', causationId: null });
  });
});

describe('denied v1 → v2 upcaster', () => {
  const v1 = (data: Record<string, unknown>) => ({ ...sampleEvent('denied', 'req-1'), version: 1, data });
  const decoded = (data: Record<string, unknown>) => {
    const result = decodeEvent(v1(data));
    if (!result.ok) throw new Error(result.reason);
    return result.event;
  };

  it('moves an approver comment carried in v1 reason into comment', () => {
    expect(decoded({ by: 'bob', reason: 'not on call this week' })).toMatchObject({
      version: 3,
      data: { by: 'bob', reason: 'denied_by_approver', comment: 'not on call this week' },
    });
  });

  it('reads v1 "denied by approver" as a denial with no comment', () => {
    expect(decoded({ by: 'bob', reason: 'denied by approver' }).data).toEqual({ by: 'bob', reason: 'denied_by_approver' });
  });

  it('reads the v1 policy denial as no eligible approver', () => {
    expect(decoded({ by: 'policy', reason: 'no eligible approver' }).data).toEqual({ by: 'policy', reason: 'no_eligible_approver' });
  });

  it('keeps a v1 comment when one was set', () => {
    expect(decoded({ by: 'bob', reason: 'denied by approver', comment: 'ask again Monday' }).data).toEqual({
      by: 'bob',
      reason: 'denied_by_approver',
      comment: 'ask again Monday',
    });
  });
});

describe('revoked and revoke_requested v1 → v2 upcasters', () => {
  it('reads every v1 revoked as the same v2, which also knows deprovisioned and application_removed', () => {
    const v1 = {
      ...sampleEvent('revoked', 'req-1'),
      version: 1,
      data: { reason: 'reconciliation', revokedAt: '2026-01-01T00:00:00.000Z' },
    };
    expect(decodeEvent(v1)).toEqual({ ok: true, event: { ...v1, version: 2 } });
    expect(decodeEvent({ ...v1, data: { ...v1.data, reason: 'deprovisioned' } })).toMatchObject({ ok: false });
    expect(decodeEvent({ ...v1, version: 2, data: { ...v1.data, reason: 'deprovisioned' } })).toMatchObject({ ok: true });
  });

  it('reads every v1 revoke_requested as the same v2', () => {
    const v1 = { ...sampleEvent('revoke_requested', 'req-1'), version: 1, data: { reason: 'admin', by: 'apikey:ops' } };
    expect(decodeEvent(v1)).toEqual({ ok: true, event: { ...v1, version: 2 } });
    expect(decodeEvent({ ...v1, version: 2, data: { reason: 'application_removed', by: 'service:provisioner' } })).toMatchObject({
      ok: true,
    });
  });
});

describe('granted v1 → v2 upcaster', () => {
  it('reads a v1 grant as one that added its membership', () => {
    const { membership: _, ...v1data } = sampleEvent('granted', 'req-1').data;
    const v1 = { ...sampleEvent('granted', 'req-1'), version: 1, data: v1data };
    expect(decodeEvent(v1)).toEqual({ ok: true, event: { ...v1, version: 2, data: { ...v1data, membership: 'added' } } });
  });

  it('refuses a v2 grant that does not say how it stands on the membership', () => {
    const { membership: _, ...data } = sampleEvent('granted', 'req-1').data;
    expect(decodeEvent({ ...sampleEvent('granted', 'req-1'), data })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/membership/),
    });
  });
});

describe('requested v1 → v2 upcaster', () => {
  it('reads every v1 request as the same v2, which may also say when to warn before the expiry', () => {
    const v1 = { ...sampleEvent('requested', 'req-1'), version: 1 };
    expect(decodeEvent(v1)).toEqual({ ok: true, event: { ...v1, version: 2 } });
    const warned = { ...v1, version: 2, data: { ...v1.data, application: { ...v1.data.application, preExpiryNoticeSeconds: 300 } } };
    expect(decodeEvent(warned)).toEqual({ ok: true, event: warned });
    expect(decodeEvent({ ...warned, version: 1 })).toEqual({ ok: true, event: { ...v1, version: 2 } });
    expect(
      decodeEvent({ ...warned, data: { ...warned.data, application: { ...warned.data.application, preExpiryNoticeSeconds: 0 } } }),
    ).toMatchObject({
      ok: false,
    });
  });
});

describe('the approval rules, N-of-M and pending TTL versions (approval_opened v2, approved v2, denied v3)', () => {
  it('reads every v1 approval_opened and approved, and every v2 denied, as the same data at the latest version', () => {
    for (const [type, version] of [
      ['approval_opened', 1],
      ['approved', 1],
      ['denied', 2],
    ] as const) {
      const older = { ...sampleEvent(type, 'req-1'), version };
      expect(decodeEvent(older)).toEqual({ ok: true, event: { ...older, version: version + 1 } });
    }
  });

  it('knows a stage needing N approvals, the rule that decided, and a denial by timeout or by rule, only from the new versions', () => {
    const opened = {
      ...sampleEvent('approval_opened', 'req-1'),
      data: { stages: [{ source: 'users', approvers: ['a@x', 'b@x'], required: 2 }], rule: 'r' },
    };
    expect(decodeEvent(opened)).toEqual({ ok: true, event: opened });
    expect(decodeEvent({ ...opened, version: 1 })).toEqual({
      ok: true,
      event: { ...opened, version: 2, data: { stages: [{ source: 'users', approvers: ['a@x', 'b@x'] }] } },
    });
    const timedOut = { ...sampleEvent('denied', 'req-1'), data: { by: 'policy', reason: 'approval_timeout' } };
    expect(decodeEvent(timedOut)).toEqual({ ok: true, event: timedOut });
    expect(decodeEvent({ ...timedOut, version: 2 })).toMatchObject({ ok: false });
  });
});
