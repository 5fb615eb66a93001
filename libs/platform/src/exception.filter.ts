import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from './errors.js';

/** The error body of every API: `{ "error": { "code", "message", "details"? } }`. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Maps domain errors and Nest's HTTP exceptions to the JSON error shape; anything else is a logged 500. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
    const [status, body] = this.describe(exception);
    response.status(status).json(body);
  }

  private describe(exception: unknown): [number, ErrorBody] {
    if (exception instanceof DomainError) {
      const error = {
        code: exception.code,
        message: exception.message,
        ...(exception.details === undefined ? {} : { details: exception.details }),
      };
      return [exception.status, { error }];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const answer = exception.getResponse();
      const message = typeof answer === 'string' ? answer : String((answer as { message?: unknown }).message ?? exception.message);
      return [status, { error: { code: codeOf(status), message } }];
    }
    const refusal = clientErrorOf(exception);
    if (refusal?.malformed) {
      // A body that is not JSON names the body, as every other 400 names its field.
      const message = `(body): not valid JSON: ${refusal.message}`;
      return [400, { error: { code: codeOf(400), message, details: { issues: [{ field: '(body)', message: refusal.message }] } } }];
    }
    if (refusal) return [refusal.status, { error: { code: codeOf(refusal.status), message: refusal.message } }];
    this.logger.error(exception);
    return [500, { error: { code: 'internal', message: 'internal error' } }];
  }
}

/**
 * A client's mistake found before any route ran: the body parser's errors (a body over the limit,
 * malformed JSON, an unknown charset) carry their 4xx `status` and an `expose` flag saying the
 * message is safe to show.
 */
function clientErrorOf(exception: unknown): { status: number; message: string; malformed: boolean } | undefined {
  if (!(exception instanceof Error)) return undefined;
  const { status, expose, type } = exception as Error & { status?: unknown; expose?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500 || expose !== true) return undefined;
  return { status, message: exception.message, malformed: type === 'entity.parse.failed' };
}

function codeOf(status: number): string {
  const codes: Record<number, string> = {
    400: 'invalid_request',
    401: 'unauthenticated',
    403: 'forbidden',
    404: 'not_found',
    409: 'conflict',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    429: 'rate_limited',
  };
  return codes[status] ?? (status >= 500 ? 'internal' : 'error');
}
