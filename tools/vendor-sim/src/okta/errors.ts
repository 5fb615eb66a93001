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

/** What to say beyond the status: another documented code than the status's usual one, and the causes. */
export interface OktaErrorDetail {
  code?: string;
  causes?: string[];
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
export function oktaError(status: number, summary?: string, detail: OktaErrorDetail = {}): OktaErrorBody {
  const known = CODES[status] ?? CODES[500];
  const code = detail.code ?? known.code;
  return {
    errorCode: code,
    errorSummary: summary ?? known.summary,
    errorLink: code,
    errorId: `oae${randomBytes(16).toString('base64url').slice(0, 22)}`,
    errorCauses: (detail.causes ?? []).map((errorSummary) => ({ errorSummary })),
  };
}

/** Answers with an Okta error. */
export function sendOktaError(res: Response, status: number, summary?: string, detail?: OktaErrorDetail): void {
  res.status(status).json(oktaError(status, summary, detail));
}

/** One field Okta's validation rejected, with Okta's words for why. */
export interface FieldCause {
  field: string;
  message: string;
}

/** 400 E0000001, Okta's answer to a request that breaks its validation: the summary names the fields, each cause says why. */
export function sendValidationFailed(res: Response, causes: FieldCause[]): void {
  const fields = [...new Set(causes.map((c) => c.field))];
  sendOktaError(res, 400, `Api validation failed: ${fields.join(', ')}`, { causes: causes.map((c) => `${c.field}: ${c.message}`) });
}

/** 404 E0000007 for a user id or login the org does not have (or no longer has). */
export function sendUserNotFound(res: Response, idOrLogin: string): void {
  sendOktaError(res, 404, `Not found: Resource not found: ${idOrLogin} (User)`);
}

/** 404 E0000007 for a group id the org does not have (or no longer has). */
export function sendGroupNotFound(res: Response, groupId: string): void {
  sendOktaError(res, 404, `Not found: Resource not found: ${groupId} (UserGroup)`);
}

/** 400 E0000003, Okta's answer to a body that is not a JSON object. */
export function sendBodyNotWellFormed(res: Response): void {
  sendOktaError(res, 400, 'The request body was not well-formed.', { code: 'E0000003' });
}
