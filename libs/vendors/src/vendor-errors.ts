/** A vendor the adapters in this library (and the services' own adapters) speak to. */
export type VendorName = 'okta' | 'jira' | 'slack';

/**
 * A vendor refused a call for a reason retrying cannot fix (unknown user or group, invalid
 * input). Anything else a vendor adapter throws is transient and worth retrying.
 */
export class VendorRejectedError extends Error {
  override name = 'VendorRejectedError';

  constructor(
    readonly vendor: VendorName,
    readonly status: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A vendor kept failing (rate limit, server error, network) through every retry; the caller should try again later. */
export class VendorUnavailableError extends Error {
  override name = 'VendorUnavailableError';

  constructor(
    readonly vendor: VendorName,
    /** The status of the last failure; undefined when it never answered. */
    readonly status: number | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The HTTP status an SDK error carries, if any (the Okta and Jira SDKs both put it on `status`). */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Whether a status means the request itself is wrong. 401/403 are left out: they mean bad or
 * missing credentials, which an operator fixes without the request being wrong.
 */
export function isRejection(status: number | undefined): status is number {
  return status !== undefined && status >= 400 && status < 500 && ![401, 403, 408, 409, 429].includes(status);
}
