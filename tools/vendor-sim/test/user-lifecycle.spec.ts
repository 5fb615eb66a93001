import { lifecycleStep, type LifecycleOperation, type OktaUserStatus } from '../src/okta/user-lifecycle.js';

describe("Okta's user lifecycle rules", () => {
  const cases: [OktaUserStatus, LifecycleOperation, ReturnType<typeof lifecycleStep>][] = [
    ['STAGED', 'activate', { to: 'ACTIVE' }],
    ['DEPROVISIONED', 'activate', { to: 'ACTIVE' }],
    ['ACTIVE', 'activate', { refused: 'already_active' }],
    ['SUSPENDED', 'activate', { refused: 'already_active' }],
    ['STAGED', 'deactivate', { to: 'DEPROVISIONED' }],
    ['ACTIVE', 'deactivate', { to: 'DEPROVISIONED' }],
    ['SUSPENDED', 'deactivate', { to: 'DEPROVISIONED' }],
    ['DEPROVISIONED', 'deactivate', { refused: 'already_deactivated' }],
    ['ACTIVE', 'suspend', { to: 'SUSPENDED' }],
    ['STAGED', 'suspend', { refused: 'not_active' }],
    ['SUSPENDED', 'suspend', { refused: 'not_active' }],
    ['DEPROVISIONED', 'suspend', { refused: 'not_active' }],
    ['SUSPENDED', 'unsuspend', { to: 'ACTIVE' }],
    ['ACTIVE', 'unsuspend', { refused: 'not_suspended' }],
    ['STAGED', 'unsuspend', { refused: 'not_suspended' }],
    ['DEPROVISIONED', 'unsuspend', { refused: 'not_suspended' }],
  ];

  it.each(cases)('%s user, %s: %j', (status, operation, expected) => {
    expect(lifecycleStep(status, operation)).toEqual(expected);
  });
});
