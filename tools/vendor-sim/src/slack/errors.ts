import type { Response } from 'express';

/** Slack reports method errors with HTTP 200 and `{ok: false, error}`. */
export function sendSlackError(res: Response, error: string): void {
  res.status(200).json({ ok: false, error });
}

/** A fault: an HTTP-level failure; for 429 Slack adds `Retry-After` and says `ratelimited`. */
export function sendSlackFault(res: Response, status: number): void {
  if (status === 429) res.setHeader('Retry-After', '1');
  res.status(status).json({ ok: false, error: status === 429 ? 'ratelimited' : 'fatal_error' });
}
