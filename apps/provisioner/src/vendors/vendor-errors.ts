/**
 * A vendor refused a call for a reason retrying cannot fix (unknown user or group, invalid
 * input). Anything else a vendor adapter throws is transient and worth retrying.
 */
export class VendorRejectedError extends Error {
  override name = 'VendorRejectedError';

  constructor(
    readonly vendor: 'okta' | 'jira',
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The HTTP status an SDK error carries, if any (both SDKs put it on `status`). */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Whether a status means the request itself is wrong. 401/403 are left retryable: they mean
 * bad or missing credentials, which an operator fixes without the grant being wrong.
 */
export function isRejection(status: number | undefined): status is number {
  return status !== undefined && status >= 400 && status < 500 && ![401, 403, 408, 409, 429].includes(status);
}
