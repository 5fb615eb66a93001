import {
  Catch,
  HttpException,
  Injectable,
  type ArgumentsHost,
  type CallHandler,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { from, switchMap } from 'rxjs';
import { DataSource } from 'typeorm';
import { Clock, DomainError } from '@jit/events';
import { ApiExceptionFilter, apiKeySubject, MissingScopeError, type AuthenticatedRequest, type Principal } from '@jit/platform';

/** An auditor route's request: authenticated unless a guard refused it first. */
type AuditorRequest = Omit<AuthenticatedRequest, 'principal'> & { principal?: Principal; route?: { path: string } };

/** Why a query got no answer: its HTTP status and the message the caller was given. */
export interface Refusal {
  status: 400 | 403;
  reason: string;
}

/** Who asked: the person or key, and the credential it came through. */
interface Asker {
  who: string;
  via: string;
}

/** Appends one auditor query to the append-only `auditor_queries` table. */
async function recordQuery(dataSource: DataSource, askedAt: Date, request: AuditorRequest, asker: Asker, refusal?: Refusal): Promise<void> {
  await dataSource.query(`INSERT INTO audit.auditor_queries (asked_at, who, via, route, query, refusal) VALUES ($1, $2, $3, $4, $5, $6)`, [
    askedAt.toISOString(),
    asker.who,
    asker.via,
    `${request.method} ${request.route?.path ?? request.path}`,
    { query: request.query, params: request.params },
    refusal ?? null,
  ]);
}

/** Who the request authenticated as; for a key refused for want of a scope (no principal yet), the key itself. */
function askerOf(request: AuditorRequest, exception?: unknown): Asker | undefined {
  const { principal } = request;
  if (principal) return { who: principal.subject, via: principal.via === 'api_key' ? `api_key:${principal.apiKey}` : principal.via };
  if (exception instanceof MissingScopeError) return { who: apiKeySubject(exception.apiKey), via: `api_key:${exception.apiKey}` };
  return undefined;
}

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
    const request = context.switchToHttp().getRequest<AuditorRequest>();
    const recorded = recordQuery(this.dataSource, this.clock.now(), request, askerOf(request)!);
    return from(recorded).pipe(switchMap(() => next.handle()));
  }
}

/**
 * Records a refused auditor query (400: a bad filter; 403: not an auditor, or a key without
 * `audit:read`) with who asked, what, when and why, then answers it as every route does. A refusal
 * by the route itself (a bad filter) follows the record the query made when it was asked, so it
 * has two rows; one by a guard, one. Callers not identified (401) are not recorded: anyone could
 * fill the table so. A refusal that cannot be recorded is answered with a 500.
 */
@Catch()
@Injectable()
export class AuditorRefusals implements ExceptionFilter {
  private readonly answer = new ApiExceptionFilter();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const request = host.switchToHttp().getRequest<AuditorRequest>();
    const refusal = refusalOf(exception);
    const asker = askerOf(request, exception);
    if (refusal && asker) {
      try {
        await recordQuery(this.dataSource, this.clock.now(), request, asker, refusal);
      } catch (error) {
        this.answer.catch(error, host);
        return;
      }
    }
    this.answer.catch(exception, host);
  }
}

/** The refusal an exception answers, when it is a 400 or a 403. */
function refusalOf(exception: unknown): Refusal | undefined {
  const status =
    exception instanceof DomainError ? exception.status : exception instanceof HttpException ? exception.getStatus() : undefined;
  if (status !== 400 && status !== 403) return undefined;
  return { status, reason: (exception as Error).message };
}
