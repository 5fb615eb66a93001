import type { MembershipMode } from '@jit/catalog';
import type { Finding, SeenFinding } from './reconciliation.store.js';

/** What started a round: the schedule, or an operator's `POST /v1/reconciliations`. */
export type RoundTrigger = 'schedule' | 'request';

/** What a round made of one group. */
export interface GroupReport {
  oktaGroupId: string;
  /** The group's mode in the catalog; a group the catalog does not name is shared. */
  membership: MembershipMode;
  /** Whether members no grant explains were removed (an exclusive group, with `RECONCILE_MODE=enforce`) or only reported. */
  enforced: boolean;
  /** How many members Okta listed; absent when the group could not be read. */
  members?: number;
  /** Why the group could not be reconciled this round (it is tried again next round). */
  error?: string;
}

/** One reconciliation round: what it looked at, found and did. */
export interface RoundReport {
  trigger: RoundTrigger;
  startedAt: Date;
  finishedAt: Date;
  /** `RECONCILE_MODE`: `report` acts on nothing, whatever the group. */
  mode: 'enforce' | 'report';
  groups: GroupReport[];
  /** Everything found this round: new findings, and open ones from earlier rounds still there (recorded once). */
  findings: SeenFinding[];
  /** Findings of earlier rounds that went away. */
  resolved: Finding[];
}
