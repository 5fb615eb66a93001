import { eventsOwnedBy, type BusService, type Decider } from '@jit/events';
import { approvalDecider } from '../../../apps/approval/src/approvals/approval.decider.js';
import { requestDecider } from '../../../apps/intake/src/requests/request.decider.js';
import { grantDecider } from '../../../apps/provisioner/src/grants/grant.decider.js';
import { timerDecider } from '../../../apps/scheduler/src/timers/timer.decider.js';

/** The event types a decider may produce. */
type ProducedBy<D> = D extends Decider<any, any, infer P> ? P : never;

// A Record over a decider's produced types must name every one of them: a decider that learns to
// produce a new type does not compile here until it is listed, and then the test below asks for
// its owner in the ownership table (and so for the bus to let the service publish it).
const intake: Record<ProducedBy<typeof requestDecider>, true> = {
  requested: true,
  cancelled: true,
  revoke_requested: true,
  extension_requested: true,
};
const approval: Record<ProducedBy<typeof approvalDecider>, true> = {
  approval_opened: true,
  approval_escalated: true,
  approved: true,
  denied: true,
  extension_requested: true,
  extension_approved: true,
  extension_denied: true,
};
const provisioner: Record<ProducedBy<typeof grantDecider>, true> = {
  granted: true,
  grant_retrying: true,
  grant_failed: true,
  revoked: true,
  revoke_failed: true,
  revoke_requested: true,
  cancelled: true,
  ticket_opened: true,
  ticket_closed: true,
  extended: true,
};
const scheduler: Record<ProducedBy<typeof timerDecider>, true> = { expired: true };

describe('the event ownership table', () => {
  it.each([
    ['intake', intake],
    ['approval', approval],
    ['provisioner', provisioner],
    ['scheduler', scheduler],
  ] as [BusService, Record<string, true>][])('lets %s publish every event type its decider produces', (service, produced) => {
    expect(eventsOwnedBy(service)).toEqual(expect.arrayContaining(Object.keys(produced)));
  });

  it('gives the audit service no event type: it only records', () => {
    expect(eventsOwnedBy('audit')).toEqual([]);
  });
});
