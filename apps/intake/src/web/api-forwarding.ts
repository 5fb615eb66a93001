import type { Request, Response } from 'express';
import type { WebSettings } from './web.config.js';

/** Request headers the browser's calls carry on to the service. */
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type', 'idempotency-key'];
/** Response headers the browser needs: the body's type, the CSV's file name, the CSV's next page. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'content-disposition', 'x-next-cursor'];

/**
 * Which service answers a public API path: approval's and audit's own routes go to them, the rest
 * of `/v1` (applications, requests) to this intake. Anything else is not the web app's to call.
 */
export function serviceFor(pathname: string, settings: WebSettings, self: string): string | undefined {
  if (/^\/v1\/approvals(\/|$)/.test(pathname)) return settings.approvalUrl;
  if (/^\/v1\/audit(\/|$)/.test(pathname)) return settings.auditUrl;
  if (/^\/v1\/(applications|requests)(\/|$)/.test(pathname)) return self;
  return undefined;
}

/**
 * Calls a service's public API as the signed-in person (their IdP access token as the bearer) and
 * answers the browser with what the service said. The services judge the call exactly as they
 * judge any other: the web app has no powers of its own.
 */
export async function forward(req: Request, res: Response, target: string, path: string, accessToken: string): Promise<void> {
  const headers: Record<string, string> = { authorization: `Bearer ${accessToken}` };
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const response = await fetch(`${target}${path}`, {
    method: req.method,
    headers,
    body: hasBody && headers['content-type'] ? JSON.stringify(req.body ?? {}) : undefined,
    redirect: 'manual',
  });
  res.status(response.status);
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) res.setHeader(name, value);
  }
  res.send(Buffer.from(await response.arrayBuffer()));
}
