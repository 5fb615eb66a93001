import okta from '@okta/okta-sdk-nodejs';
import { Directory, DirectoryUnavailableError } from './directory.js';

/** How to reach Okta and how patiently to retry it. */
export interface OktaDirectoryOptions {
  /** The org's base URL, e.g. `https://acme.okta.com` (or the simulator's `http://127.0.0.1:4010`). */
  orgUrl: string;
  /** An SSWS API token with read access to users. */
  token: string;
  /** Attempts per call, the first included. */
  maxAttempts?: number;
  /** First back-off of a 5xx or network failure; doubles on each attempt. */
  baseDelayMs?: number;
  /** Longest single wait, also for a 429 whose `X-Rate-Limit-Reset` is further away: then the event's redelivery backoff takes over. */
  maxWaitMs?: number;
}

/** The SDK's errors (`OktaApiError`, `HttpError`) carry the status and node-fetch's response headers. */
interface SdkHttpError {
  status: number;
  headers?: { get(name: string): string | null };
}

/**
 * `Directory` over the Okta Management API (`GET /api/v1/users/{idOrLogin}`): the manager is the
 * user whose id is in the requester's `profile.managerId`.
 */
export class OktaDirectory extends Directory {
  private readonly client: okta.Client;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxWaitMs: number;

  constructor(options: OktaDirectoryOptions) {
    super();
    this.client = new okta.Client({
      orgUrl: options.orgUrl,
      token: options.token,
      authorizationMode: 'SSWS',
      // The plain executor surfaces 429s: the SDK's own retry would wait up to a whole rate-limit window per call.
      requestExecutor: new okta.RequestExecutor(),
      // The SDK caches GETs by URL with no expiry; a manager change must show on the next request.
      cacheMiddleware: null,
    });
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxWaitMs = options.maxWaitMs ?? 5000;
  }

  async managerOf(login: string): Promise<string | undefined> {
    const user = await this.findUser(login);
    const managerId = user?.profile?.managerId;
    if (!managerId) return undefined;
    const manager = await this.findUser(managerId);
    return manager?.profile?.login ?? undefined;
  }

  /** Okta answers 404 for an unknown id or login; that is an answer, not a failure. */
  private async findUser(idOrLogin: string): Promise<okta.UserGetSingleton | undefined> {
    try {
      return await this.withRetries(() => this.client.userApi.getUser({ userId: idOrLogin }));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  private async withRetries<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        if (!isTransient(error)) throw error;
        if (attempt >= this.maxAttempts) {
          throw new DirectoryUnavailableError(`Okta kept failing after ${attempt} attempts: ${(error as Error).message}`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, this.delayAfter(error, attempt)));
      }
    }
  }

  /** Okta's 429 says when the window resets (epoch seconds); measured against its own `Date` so clock skew does not matter. */
  private delayAfter(error: unknown, attempt: number): number {
    const backoff = Math.min(this.baseDelayMs * 2 ** (attempt - 1), this.maxWaitMs);
    const headers = (error as SdkHttpError).headers;
    const reset = Number(headers?.get('x-rate-limit-reset'));
    if (statusOf(error) !== 429 || !Number.isFinite(reset) || reset <= 0) return backoff;
    const serverNow = Date.parse(headers?.get('date') ?? '') || Date.now();
    return Math.min(Math.max(reset * 1000 - serverNow, this.baseDelayMs), this.maxWaitMs);
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as Partial<SdkHttpError> | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Rate limits, server errors and network failures pass; anything else (401, 403, 400) needs a person. */
function isTransient(error: unknown): boolean {
  const status = statusOf(error);
  if (status === undefined) return (error as Error | undefined)?.name === 'FetchError';
  return status === 429 || status >= 500;
}
