import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { from, switchMap } from 'rxjs';
import { DataSource } from 'typeorm';
import { Clock } from '@jit/events';
import type { AuthenticatedRequest } from '@jit/platform';

/**
 * Records every auditor query (who asked what, when) in the append-only `auditor_queries` table
 * before answering it: a query that cannot be recorded is not answered. Before, not beside: a route
 * that answers through the response itself (the CSV report) or with an error would otherwise answer
 * before its record is committed.
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
    return from(recorded).pipe(switchMap(() => next.handle()));
  }
}
