import { UnsupportedMediaTypeException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** The one content type a route with a JSON body reads. */
export const JSON_CONTENT_TYPE = 'application/json';

/**
 * Refuses, with a 415 in the JSON error shape, a body its route would never read: the JSON parser
 * skips a body sent without `Content-Type: application/json` (or as a form), so the route would
 * run as if nothing had been sent. A request with no body at all (a POST with nothing to say) passes.
 */
export class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!hasBody(request) || request.is(JSON_CONTENT_TYPE)) return true;
    const sent = request.headers['content-type'];
    throw new UnsupportedMediaTypeException(
      `Content-Type: expected ${JSON_CONTENT_TYPE}, got ${sent ? JSON.stringify(sent) : 'none'}; the body was not read`,
    );
  }
}

// HTTP/1.1 frames a body with Content-Length or Transfer-Encoding (RFC 9112 §6); clients send
// `Content-Length: 0` with an empty POST, which carries nothing to misread.
function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) !== 0);
}
