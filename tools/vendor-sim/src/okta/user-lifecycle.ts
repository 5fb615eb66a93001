/** The user statuses the simulated org produces (a subset of Okta's `UserStatus`). */
export type OktaUserStatus = 'STAGED' | 'ACTIVE' | 'SUSPENDED' | 'DEPROVISIONED';

/** The lifecycle operations served under `POST /api/v1/users/{id}/lifecycle/...`. */
export type LifecycleOperation = 'activate' | 'deactivate' | 'suspend' | 'unsuspend';

/** Why Okta refuses an operation in the user's current status. */
export type LifecycleRefusal = 'already_deactivated' | 'already_active' | 'not_active' | 'not_suspended';

/** Where an operation takes a user, or why Okta refuses it. */
export type LifecycleStep = { to: OktaUserStatus } | { refused: LifecycleRefusal };

/**
 * Okta's lifecycle rules, as its Management API describes them: activate a STAGED or DEPROVISIONED user, deactivate
 * any user not yet DEPROVISIONED, suspend only an ACTIVE user, unsuspend only a SUSPENDED one.
 */
export function lifecycleStep(status: OktaUserStatus, operation: LifecycleOperation): LifecycleStep {
  switch (operation) {
    case 'activate':
      return status === 'STAGED' || status === 'DEPROVISIONED' ? { to: 'ACTIVE' } : { refused: 'already_active' };
    case 'deactivate':
      return status === 'DEPROVISIONED' ? { refused: 'already_deactivated' } : { to: 'DEPROVISIONED' };
    case 'suspend':
      return status === 'ACTIVE' ? { to: 'SUSPENDED' } : { refused: 'not_active' };
    case 'unsuspend':
      return status === 'SUSPENDED' ? { to: 'ACTIVE' } : { refused: 'not_suspended' };
    default: {
      const _exhaustive: never = operation;
      return _exhaustive;
    }
  }
}
