import { Counter, Gauge, register } from 'prom-client';

/** The reconciliation's metrics, on prom-client's default registry (which `/metrics` serves). */
export interface ReconciliationMetrics {
  unexplainedMembers: Counter<'application' | 'action'>;
  overdueGrants: Counter<'action'>;
  directoryFindings: Counter<'kind' | 'action'>;
  openFindings: Gauge<'kind'>;
}

let metrics: ReconciliationMetrics | undefined;

/** The process's reconciliation metrics, created on first use so several service instances in one process share them. */
export function reconciliationMetrics(): ReconciliationMetrics {
  metrics ??= {
    unexplainedMembers: new Counter({
      name: 'jit_reconciliation_unexplained_members_total',
      help: 'Members of managed Okta groups that no grant explains, by the application granted through the group, counted once when found',
      labelNames: ['application', 'action'],
      registers: [register],
    }),
    overdueGrants: new Counter({
      name: 'jit_reconciliation_overdue_grants_total',
      help: 'Grants found holding access past their expiry or deadline, counted once when found',
      labelNames: ['action'],
      registers: [register],
    }),
    directoryFindings: new Counter({
      name: 'jit_reconciliation_directory_findings_total',
      help: 'Open requests of a requester Okta deactivated, suspended or deleted, or of an application gone from the catalog, counted once',
      labelNames: ['kind', 'action'],
      registers: [register],
    }),
    openFindings: new Gauge({
      name: 'jit_reconciliation_open_findings',
      help: 'Findings still there at the end of the last reconciliation round (reported, not acted on)',
      labelNames: ['kind'],
      registers: [register],
    }),
  };
  return metrics;
}
