import type { RequestedData } from '@jit/events';
import { decide, type Grant } from '../src/grants/grant.decider.js';

const requestId = '3f6b2a4e-8a1c-4c55-9d2e-1f2a3b4c5d6e';
const now = new Date('2026-01-01T10:00:00.000Z');
const request: RequestedData = {
  requester: 'alice@example.com',
  application: {
    id: 'aws-prod-console',
    name: 'AWS Production Console',
    oktaGroupId: '00g1awsprodconsole02',
    owners: [],
    approval: { kind: 'auto' },
  },
  durationSeconds: 3600,
  justification: 'INC-1',
};
const requested: Grant = {
  requestId,
  requester: 'alice@example.com',
  applicationId: 'aws-prod-console',
  applicationName: 'AWS Production Console',
  oktaGroupId: '00g1awsprodconsole02',
  durationSeconds: 3600,
  justification: 'INC-1',
  status: 'requested',
  attempts: 0,
};
const granting: Grant = { ...requested, status: 'granting' };
const active: Grant = {
  ...requested,
  status: 'active',
  oktaUserId: '00ualice',
  ticketKey: 'JIT-1',
  grantedAt: now,
  expiresAt: new Date('2026-01-01T11:00:00.000Z'),
};
const revoking: Grant = { ...active, status: 'revoking', revokeReason: 'expired', nextAttemptAt: now };
const backoff = { baseMs: 1000, maxMs: 60_000 };

describe('grant rules', () => {
  it('records a request once', () => {
    expect(decide({ kind: 'record_request', requestId, request }, undefined, now)).toEqual({ kind: 'apply', grant: requested, events: [] });
    expect(decide({ kind: 'record_request', requestId, request }, requested, now)).toMatchObject({ kind: 'skip' });
  });

  it('an approval for a request not seen yet waits for it', () => {
    expect(decide({ kind: 'start_grant' }, undefined, now)).toMatchObject({ kind: 'not_ready' });
  });

  it('completing a grant publishes granted that expires after the requested duration', () => {
    const decision = decide({ kind: 'complete_grant', oktaUserId: '00ualice', ticketKey: 'JIT-1' }, granting, now);
    expect(decision).toEqual({
      kind: 'apply',
      grant: active,
      events: [
        {
          type: 'granted',
          data: {
            requester: 'alice@example.com',
            applicationId: 'aws-prod-console',
            oktaGroupId: '00g1awsprodconsole02',
            oktaUserId: '00ualice',
            grantedAt: '2026-01-01T10:00:00.000Z',
            expiresAt: '2026-01-01T11:00:00.000Z',
            ticketKey: 'JIT-1',
          },
        },
      ],
    });
  });

  it('a cancelled request is never granted', () => {
    const cancelled = decide({ kind: 'cancel' }, requested, now);
    expect(cancelled).toEqual({ kind: 'apply', grant: { ...requested, status: 'cancelled' }, events: [] });
    expect(decide({ kind: 'start_grant' }, { ...requested, status: 'cancelled' }, now)).toMatchObject({ kind: 'skip' });
  });

  it('a cancellation during granting waits until the grant settles, and is ignored once access exists', () => {
    expect(decide({ kind: 'cancel' }, granting, now)).toMatchObject({ kind: 'not_ready' });
    expect(decide({ kind: 'cancel' }, active, now)).toMatchObject({ kind: 'skip' });
  });

  it('a failed grant publishes grant_failed with the reason', () => {
    expect(decide({ kind: 'fail_grant', reason: 'no such user' }, granting, now)).toEqual({
      kind: 'apply',
      grant: { ...granting, status: 'failed', lastError: 'no such user' },
      events: [{ type: 'grant_failed', data: { reason: 'no such user' } }],
    });
  });

  it('an expiry or revoke request queues an active grant for revocation once, keeping the first reason', () => {
    expect(decide({ kind: 'start_revocation', reason: 'expired' }, active, now)).toEqual({
      kind: 'apply',
      grant: { ...revoking, attempts: 0 },
      events: [],
    });
    expect(decide({ kind: 'start_revocation', reason: 'relinquished' }, revoking, now)).toMatchObject({ kind: 'skip' });
    expect(decide({ kind: 'start_revocation', reason: 'expired' }, { ...revoking, status: 'revoked' }, now)).toMatchObject({
      kind: 'skip',
    });
  });

  it('a revocation before the grant exists waits for it', () => {
    expect(decide({ kind: 'start_revocation', reason: 'relinquished' }, granting, now)).toMatchObject({ kind: 'not_ready' });
  });

  it('each failed revocation attempt publishes revoke_failed and backs off exponentially up to the cap', () => {
    const first = decide({ kind: 'fail_revocation', error: 'Okta 503', backoff }, revoking, now);
    expect(first).toEqual({
      kind: 'apply',
      grant: { ...revoking, attempts: 1, lastError: 'Okta 503', nextAttemptAt: new Date('2026-01-01T10:00:01.000Z') },
      events: [{ type: 'revoke_failed', data: { reason: 'Okta 503', attempt: 1 } }],
    });
    const tenth = decide({ kind: 'fail_revocation', error: 'Okta 503', backoff }, { ...revoking, attempts: 9 }, now);
    expect(tenth).toMatchObject({ grant: { attempts: 10, nextAttemptAt: new Date('2026-01-01T10:01:00.000Z') } });
  });

  it('a confirmed revocation publishes revoked with its reason and time', () => {
    expect(decide({ kind: 'confirm_revocation' }, revoking, now)).toEqual({
      kind: 'apply',
      grant: { ...revoking, status: 'revoked', revokedAt: now, nextAttemptAt: undefined },
      events: [{ type: 'revoked', data: { reason: 'expired', revokedAt: '2026-01-01T10:00:00.000Z' } }],
    });
  });
});
