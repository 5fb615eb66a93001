import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

/** Okta's error body (`components.schemas.Error` in the Management API spec). */
export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: { errorSummary: string }[];
}

/** Okta's documented error codes for the statuses the simulator answers with. */
const CODES: Record<number, { code: string; summary: string }> = {
  400: { code: 'E0000001', summary: 'Api validation failed' },
  401: { code: 'E0000011', summary: 'Invalid token provided' },
  403: { code: 'E0000006', summary: 'You do not have permission to perform the requested action' },
  404: { code: 'E0000007', summary: 'Not found: Resource not found' },
  429: { code: 'E0000047', summary: 'API call exceeded rate limit due to too many requests.' },
  500: { code: 'E0000009', summary: 'Internal Server Error' },
};

/** Builds an Okta error body; `errorLink` repeats the code and `errorId` is unique, as Okta does. */
export function oktaError(status: number, summary?: string): OktaErrorBody {
  const known = CODES[status] ?? CODES[500];
  return {
    errorCode: known.code,
    errorSummary: summary ?? known.summary,
    errorLink: known.code,
    errorId: `oae${randomBytes(16).toString('base64url').slice(0, 22)}`,
    errorCauses: [],
  };
}

/** Answers with an Okta error. */
export function sendOktaError(res: Response, status: number, summary?: string): void {
  res.status(status).json(oktaError(status, summary));
}
