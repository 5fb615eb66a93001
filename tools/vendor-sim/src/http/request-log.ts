import type { RequestHandler } from 'express';
import { requestPath } from './request-path.js';

/** One line per request, written when the response has been sent. */
export interface RequestLogLine {
  time: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
}

/** Calls `log` once per finished request. */
export function requestLog(log: (line: RequestLogLine) => void): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () =>
      log({
        time: new Date().toISOString(),
        method: req.method,
        path: requestPath(req),
        status: res.statusCode,
        durationMs: Math.round(performance.now() - started),
      }),
    );
    next();
  };
}
