import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { forkJoin, from, map } from 'rxjs';
import { DataSource } from 'typeorm';
import { Clock } from '@jit/events';
import type { AuthenticatedRequest } from '@jit/platform';

/**
 * Records every auditor query (who asked what, when) in the append-only `auditor_queries` table
 * while answering it: the answer waits for the record, so a query that cannot be recorded is not
 * answered. Recording beside the query rather than before it keeps the commit off the query's path.
 */
@Injectable()
export class AuditorQueryLog implements NestInterceptor {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { route?: { path: string } }>();
    const { principal } = request;
    const recorded = this.dataSource.query(
      `INSERT INTO audit.auditor_queries (asked_at, who, via, route, query) VALUES ($1, $2, $3, $4, $5)`,
      [
        this.clock.now().toISOString(),
        principal.subject,
        principal.via === 'api_key' ? `api_key:${principal.apiKey}` : principal.via,
        `${request.method} ${request.route?.path ?? request.path}`,
        { query: request.query, params: request.params },
      ],
    );
    return forkJoin([from(recorded), next.handle()]).pipe(map(([, answer]) => answer));
  }
}
