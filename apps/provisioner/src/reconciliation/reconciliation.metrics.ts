import { Counter, register } from 'prom-client';

/** The reconciliation's counters, on prom-client's default registry (which `/metrics` serves). */
export interface ReconciliationMetrics {
  unexplainedMembers: Counter<'group' | 'action'>;
  overdueGrants: Counter<'action'>;
}

let metrics: ReconciliationMetrics | undefined;

/** The process's reconciliation counters, created on first use so several service instances in one process share them. */
export function reconciliationMetrics(): ReconciliationMetrics {
  metrics ??= {
    unexplainedMembers: new Counter({
      name: 'jit_reconciliation_unexplained_members_total',
      help: 'Members of managed Okta groups that no grant explains, per reconciliation round that saw them',
      labelNames: ['group', 'action'],
      registers: [register],
    }),
    overdueGrants: new Counter({
      name: 'jit_reconciliation_overdue_grants_total',
      help: 'Grants still active past their expiry, per reconciliation round that saw them',
      labelNames: ['action'],
      registers: [register],
    }),
  };
  return metrics;
}
