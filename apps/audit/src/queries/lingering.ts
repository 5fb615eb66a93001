import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { DataSource } from 'typeorm';
import { Clock } from '@jit/events';
import { SERVICE_CONFIG } from '@jit/platform';
import type { AuditConfig } from '../audit.config.js';
import { rowOf } from '../projections/projection.js';
import { requestsProjection, type RequestRow } from '../projections/requests.js';

/** Where the gauge reads from: the latest service instance of the process. */
let countNow: (() => Promise<number>) | undefined;

/**
 * Grants past their expiry (plus the grace revocation takes) that no `revoked` event ended: access
 * outliving its grant. Always empty on a healthy system; `jit_audit_lingering_grants` counts them.
 */
@Injectable()
export class LingeringGrants implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: AuditConfig,
  ) {}

  onModuleInit(): void {
    countNow = async () => (await this.list()).length;
    if (!register.getSingleMetric('jit_audit_lingering_grants')) {
      new Gauge({
        name: 'jit_audit_lingering_grants',
        help: 'Grants past their expiry (and the grace revocation takes) with no revoked event; always 0 when healthy',
        registers: [register],
        async collect() {
          this.set((await countNow?.()) ?? 0);
        },
      });
    }
  }

  /** The lingering grants, the longest overdue first. */
  async list(): Promise<RequestRow[]> {
    const before = new Date(this.clock.now().getTime() - this.config.AUDIT_LINGERING_GRACE_MS);
    const rows = await this.dataSource.query(
      `SELECT * FROM audit.requests WHERE status = 'granted' AND expires_at < $1 ORDER BY expires_at LIMIT 1000`,
      [before.toISOString()],
    );
    return rows.map((row: Record<string, unknown>) => rowOf(requestsProjection, row));
  }
}
