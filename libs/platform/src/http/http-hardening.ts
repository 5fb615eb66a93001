import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { ValidationError } from '../errors.js';
import { controlCharacterIssues, type FieldIssue } from '../validation.js';

/** What an HTTP edge accepts. */
export interface HttpEdgeSettings {
  /** The largest request body, in bytes; a larger one is a 413. */
  bodyLimitBytes: number;
}

/**
 * What every service's HTTP edge does before a route sees a request: security headers (helmet) and
 * no `X-Powered-By`; bodies parsed up to a limit (a larger one is a 413 in the JSON error shape,
 * through the one exception filter); and control characters refused in the path and the query,
 * which reach routes that never parse them (a path parameter handed straight to a query).
 * The app must be created with `bodyParser: false`: the parsers are registered here, with the limit.
 */
export function hardenHttp(app: NestExpressApplication, settings: HttpEdgeSettings): void {
  app.disable('x-powered-by');
  app.use(helmet());
  app.useBodyParser('json', { limit: settings.bodyLimitBytes });
  app.useBodyParser('urlencoded', { limit: settings.bodyLimitBytes, extended: true });
  app.use(refuseControlCharactersInUrl);
}

function refuseControlCharactersInUrl(req: Request, _res: Response, next: NextFunction): void {
  const issues: FieldIssue[] = [
    ...req.path
      .split('/')
      .map(decoded)
      .flatMap((segment) => controlCharacterIssues(segment, { text: 'strict', field: '(path)' })),
    ...controlCharacterIssues(req.query, { text: 'strict' }),
  ];
  if (issues.length === 0) return next();
  next(new ValidationError(issues.map((i) => `${i.field}: ${i.message}`).join('; '), { issues }));
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // Not percent-encoding at all: the router refuses it, or no route matches.
    return segment;
  }
}
