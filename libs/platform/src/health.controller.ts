import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Response } from 'express';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { Public } from './auth/auth.guard.js';
import type { BaseConfig } from './config.js';
import { NotFoundError } from './errors.js';
import { ApiRoute } from './openapi/api-route.js';
import { NATS_CONNECTION, READINESS, SERVICE_CONFIG } from './tokens.js';

/** What readiness needs to know beyond live checks. */
export interface Readiness {
  /** Set once the service's migrations have been applied. */
  migrated: boolean;
  /** Set when the service starts shutting down, so load balancers stop sending to it. */
  stopping: boolean;
}

/** `/healthz` (the process runs), `/readyz` (NATS and Postgres reachable, migrations applied), `/metrics`. */
@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(READINESS) private readonly readiness: Readiness,
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: BaseConfig,
  ) {}

  @ApiRoute({ summary: 'The process runs', response: { description: 'Alive', example: { status: 'ok' } } })
  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @ApiRoute({
    summary: 'NATS and Postgres reachable, migrations applied, not shutting down',
    response: {
      description: 'Ready (503 with the same body when not)',
      example: { status: 'ready', checks: { nats: true, postgres: true, migrations: true, stopping: false } },
    },
  })
  @Get('readyz')
  async readyz(@Res() response: Response): Promise<void> {
    const checks = {
      nats: await this.natsUp(),
      postgres: await this.postgresUp(),
      migrations: this.readiness.migrated,
      stopping: this.readiness.stopping,
    };
    const ready = checks.nats && checks.postgres && checks.migrations && !checks.stopping;
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  }

  @ApiRoute({
    summary: 'Prometheus metrics',
    response: { description: 'Metrics in the Prometheus text format', contentTypes: ['text/plain'] },
  })
  @Get('metrics')
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    // With METRICS_PORT, the metrics are served on that port only (kept off the network callers reach).
    if (this.config.METRICS_PORT !== undefined) throw new NotFoundError('no route GET /metrics on this port');
    return register.metrics();
  }

  private async natsUp(): Promise<boolean> {
    if (this.nc.isClosed()) return false;
    try {
      await withTimeout(this.nc.flush(), 1000);
      return true;
    } catch {
      return false;
    }
  }

  private async postgresUp(): Promise<boolean> {
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), 1000);
      return true;
    } catch {
      return false;
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
