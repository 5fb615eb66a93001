import type { Request } from 'express';

/** The request's full path without its query string, whatever router it reached. */
export function requestPath(req: Request): string {
  return req.originalUrl.split('?')[0];
}
