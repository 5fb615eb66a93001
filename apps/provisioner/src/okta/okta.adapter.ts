import { setTimeout as sleep } from 'node:timers/promises';
import okta from '@okta/okta-sdk-nodejs';
import { VendorRejectedError, isRejection, statusOf } from '../vendors/vendor-errors.js';
import type { GroupMember, IdentityProvider } from './identity-provider.js';

/** How the Okta adapter reaches Okta. */
export interface OktaOptions {
  orgUrl: string;
  token: string;
  /** In-place retries of a call that hit 429, 5xx or the network. */
  maxRetries: number;
  /** Per-request timeout, so a hung connection cannot hold a grant's transaction open. */
  timeoutMs?: number;
}

/** Longest wait for a rate-limit window to reset before giving up to the caller's retry. */
const MAX_RATE_LIMIT_WAIT_MS = 60_000;

/** A request executor that adds a timeout and leaves retries to the adapter (the SDK's default retries only 429s). */
class TimeoutRequestExecutor extends okta.RequestExecutor {
  constructor(private readonly timeoutMs: number) {
    super();
  }

  override fetch(request: Parameters<okta.RequestExecutor['fetch']>[0]): ReturnType<okta.RequestExecutor['fetch']> {
    return super.fetch({ ...request, timeout: this.timeoutMs } as typeof request);
  }
}

/** `IdentityProvider` over Okta groups, with `@okta/okta-sdk-nodejs`. */
export class OktaIdentityProvider implements IdentityProvider {
  private readonly client: okta.Client;

  constructor(private readonly options: OktaOptions) {
    this.client = new okta.Client({
      orgUrl: options.orgUrl,
      token: options.token,
      requestExecutor: new TimeoutRequestExecutor(options.timeoutMs ?? 10_000),
      // The SDK caches GETs by default; membership answers must be fresh.
      cacheMiddleware: null,
    });
  }

  async findUserId(login: string): Promise<string | undefined> {
    try {
      const user = await this.call(() => this.client.userApi.getUser({ userId: login }));
      return user.id;
    } catch (error) {
      if (error instanceof VendorRejectedError && error.status === 404) return undefined;
      throw error;
    }
  }

  async addToGroup(userId: string, groupId: string): Promise<void> {
    // PUT membership is idempotent on Okta's side.
    await this.call(() => this.client.groupApi.assignUserToGroup({ groupId, userId }));
  }

  async removeFromGroup(userId: string, groupId: string): Promise<void> {
    try {
      await this.call(() => this.client.groupApi.unassignUserFromGroup({ groupId, userId }));
    } catch (error) {
      // No such user or group means no membership is left to remove.
      if (error instanceof VendorRejectedError && error.status === 404) return;
      throw error;
    }
  }

  async isMember(userId: string, groupId: string): Promise<boolean> {
    return (await this.listMembers(groupId)).some((member) => member.id === userId);
  }

  async listMembers(groupId: string): Promise<GroupMember[]> {
    // The SDK's collection follows the `Link: rel="next"` pages; a retry starts the listing over.
    return this.call(async () => {
      const members: GroupMember[] = [];
      for await (const user of await this.client.groupApi.listGroupUsers({ groupId })) {
        if (user?.id) members.push({ id: user.id, login: user.profile?.login ?? '' });
      }
      return members;
    });
  }

  /** Runs one Okta call, retrying 429 (after `X-Rate-Limit-Reset`) and 5xx/network failures with backoff. */
  private async call<T>(operation: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await operation();
      } catch (error) {
        const status = statusOf(error);
        if (isRejection(status)) throw new VendorRejectedError('okta', status, (error as Error).message);
        const retryable = status === undefined || status === 429 || status >= 500;
        if (!retryable || attempt >= this.options.maxRetries) throw error;
        await sleep(status === 429 ? rateLimitWaitMs(error) : backoffMs(attempt));
      }
    }
  }
}

function backoffMs(attempt: number): number {
  return 200 * 2 ** attempt + Math.floor(Math.random() * 100);
}

/** Okta's `X-Rate-Limit-Reset` is the epoch second the window resets, measured against its own `Date` header. */
function rateLimitWaitMs(error: unknown): number {
  const headers = (error as { headers?: { get(name: string): string | null } }).headers;
  const reset = Number(headers?.get('x-rate-limit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return backoffMs(0);
  const serverNow = Date.parse(headers?.get('date') ?? '') || Date.now();
  return Math.min(MAX_RATE_LIMIT_WAIT_MS, Math.max(0, reset * 1000 - serverNow) + 1000);
}
