import { specEvent } from '@jit/events/testing';
import { grantDecider } from '../src/grants/grant.decider.js';
import { grantTicket, revocationComment } from '../src/tickets/ticket-text.js';
import { requested } from './support/requested.js';

/** A grant as the rules know it once approved, lasting `seconds`. */
function approvedGrant(seconds: number) {
  const events = [
    specEvent({ type: 'requested', data: { ...requested('alice@example.com'), durationSeconds: seconds } }),
    specEvent({ type: 'approved', data: { stage: 0, approver: 'bob@example.com', final: true, comment: 'ok' } }),
  ];
  const grant = events.reduce(grantDecider.evolve, grantDecider.initialState);
  if (!grant) throw new Error('the grant was not recorded');
  return grant;
}

describe('ticket text', () => {
  it('durations read as people write them, the same as everywhere else', () => {
    expect([7200, 900, 5400, 86_400, 45, 90].map((seconds) => grantTicket(approvedGrant(seconds)).summary)).toEqual([
      'JIT access: alice@example.com → AWS Production Console for 2h',
      'JIT access: alice@example.com → AWS Production Console for 15m',
      'JIT access: alice@example.com → AWS Production Console for 1h30m',
      'JIT access: alice@example.com → AWS Production Console for 24h',
      'JIT access: alice@example.com → AWS Production Console for 45s',
      'JIT access: alice@example.com → AWS Production Console for 1m30s',
    ]);
  });

  it('the description says who gets what, for how long, why, who approved it and which request it is', () => {
    const grant = approvedGrant(7200);
    expect(grantTicket(grant).description.split('\n')).toEqual([
      'Requester: alice@example.com',
      'Application: AWS Production Console (aws-prod-console), Okta group 00g1awsprodconsole02',
      'Duration: 2h',
      'Justification: INC-1234 database failover',
      'Approved by: bob@example.com (ok)',
      `Request id: ${grant.requestId}`,
    ]);
  });

  it('the closing comment gives the reason and the time of the revocation', () => {
    expect(revocationComment('relinquished', new Date('2026-01-01T10:00:00.000Z'))).toBe(
      'Access revoked (relinquished) at 2026-01-01T10:00:00.000Z; the Okta group membership is removed.',
    );
  });
});
