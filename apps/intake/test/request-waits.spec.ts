import { VIEW_EXAMPLE } from '../src/requests/request.examples.js';
import type { RequestStatus } from '../src/requests/request.decider.js';
import type { WaitTarget } from '../src/requests/request-wait.input.js';
import { waitOutcome } from '../src/requests/request-waits.js';
import type { RequestView } from '../src/requests/request.view.js';

const view = (status: RequestStatus, approval: RequestView['approval'] = null): RequestView => ({ ...VIEW_EXAMPLE, status, approval });
const waitingOnBob: RequestView['approval'] = {
  stages: [{ source: 'manager', approvers: ['bob@example.com'], approvedBy: null, approvedByAll: [] }],
  currentStage: 0,
  waitingOn: ['bob@example.com'],
};

describe('when a wait for a request is over', () => {
  it.each<[RequestStatus, WaitTarget, ReturnType<typeof waitOutcome>]>([
    ['pending', 'granted', undefined],
    ['approved', 'granted', undefined],
    ['granted', 'granted', 'reached'],
    ['granted', 'revoked', undefined],
    ['granted', 'approved', 'unreachable'],
    ['approved', 'pending', 'unreachable'],
    ['pending', 'denied', undefined],
    ['approved', 'denied', 'unreachable'],
    ['denied', 'granted', 'unreachable'],
    ['cancelled', 'revoked', 'unreachable'],
    ['failed', 'granted', 'unreachable'],
    ['revoked', 'granted', 'unreachable'],
    ['revoked', 'revoked', 'reached'],
  ])('a %s request waited on for %s: %s', (status, target, outcome) => {
    expect(waitOutcome(view(status), target)).toBe(outcome);
  });

  it('awaiting_approval is reached once a pending request names the approvers of its stage, and never once it has left pending', () => {
    expect(waitOutcome(view('pending'), 'awaiting_approval')).toBeUndefined();
    expect(waitOutcome(view('pending', waitingOnBob), 'awaiting_approval')).toBe('reached');
    expect(waitOutcome(view('pending', { stages: [], currentStage: null, waitingOn: [] }), 'awaiting_approval')).toBeUndefined();
    expect(waitOutcome(view('approved', { stages: [], currentStage: null, waitingOn: [] }), 'awaiting_approval')).toBe('unreachable');
    expect(waitOutcome(view('cancelled'), 'awaiting_approval')).toBe('unreachable');
  });
});
