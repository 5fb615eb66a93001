import { setTimeout as sleep } from 'node:timers/promises';
import type okta from '@okta/okta-sdk-nodejs';
import { backoffDelay } from '@jit/events';
import { VendorRejectedError, VendorUnavailableError, isRejection, statusOf } from '../vendor-errors.js';
import { oktaRateBudget } from './rate-budget.js';
import { readRateLimit, type HeaderSource } from './rate-limit-headers.js';

/** How to reach Okta and how patiently to retry it. */
export interface OktaClientOptions {
  /** The org's base URL, e.g. `https://acme.okta.com` (or the simulator's `http://127.0.0.1:4010`). */
  orgUrl: string;
  /** An SSWS API token allowed to do what the caller asks (read users, manage group memberships). */
  token: string;
  /** In-place retries of a call that hit 429, 5xx or the network, after the first attempt; default 3. */
  maxRetries?: number;
  /** First back-off of a 5xx or network failure; doubles on each retry. Default 250 ms. */
  baseDelayMs?: number;
  /**
   * Longest single wait: for the org's rate budget before a request (a paced slot, or the reset of a
   * spent window), or between retries. A window that resets later is left to the caller's own,
   * slower retry. Default 5 s.
   */
  maxWaitMs?: number;
  /** Per-request timeout, so a hung connection cannot hold the caller (or its transaction) up. Default 10 s. */
  timeoutMs?: number;
}

/** A member of an Okta group. */
export interface OktaMember {
  /** Okta's user id, e.g. `00u1alice0000000001`. */
  id: string;
  /** The user's login, usually their e-mail. */
  login: string;
}

/** An Okta user, with the id of their manager when the profile names one. */
export interface OktaUser extends OktaMember {
  managerId?: string;
  /** Okta's lifecycle status: `ACTIVE`, `SUSPENDED`, `DEPROVISIONED`, `STAGED`, ... */
  status: string;
}

type OktaRequest = Parameters<okta.RequestExecutor['fetch']>[0];
type OktaResponse = Awaited<ReturnType<okta.RequestExecutor['fetch']>>;

/**
 * Loads the SDK and builds its client, with the adapter's first call rather than at start: the SDK
 * loads every generated API and model class (some 40 MiB of an idle service's memory and most of its
 * start-up, docs/PERFORMANCE.md), which a service that has not called Okta yet has no use for.
 * Every HTTP request of the client, each page of a listing included, waits for the org's rate
 * budget, runs with a timeout, and tells the budget what Okta answered. Retries are left to
 * `OktaClient` (the SDK's default executor retries 429s for up to a whole window).
 */
async function createSdkClient(options: OktaClientOptions): Promise<okta.Client> {
  const { default: sdk } = await import('@okta/okta-sdk-nodejs');
  const budget = oktaRateBudget(options.orgUrl);
  const settings = { timeoutMs: options.timeoutMs ?? 10_000, maxWaitMs: options.maxWaitMs ?? 5000 };
  class BudgetedRequestExecutor extends sdk.RequestExecutor {
    override async fetch(request: OktaRequest): Promise<OktaResponse> {
      const ticket = await budget.take(settings.maxWaitMs);
      let response: OktaResponse | undefined;
      try {
        response = await super.fetch({ ...request, timeout: settings.timeoutMs } as OktaRequest);
        return response;
      } finally {
        budget.settle(ticket, response && readRateLimit(response.headers, response.status, Date.now()));
      }
    }
  }
  return new sdk.Client({
    orgUrl: options.orgUrl,
    token: options.token,
    authorizationMode: 'SSWS',
    requestExecutor: new BudgetedRequestExecutor(),
    // The SDK caches GETs by URL with no expiry; managers and memberships must be fresh on every call.
    cacheMiddleware: null,
  });
}

/**
 * The one Okta adapter: users and group memberships over the Management API with
 * `@okta/okta-sdk-nodejs`. Every request spends the org's one rate budget in this process
 * (`oktaRateBudget`), which paces calls as it runs low and holds them until the reset once it is
 * spent or Okta answers 429. Every call retries 429 (after that wait, capped) and 5xx/network
 * failures (doubling back-off) in place; then throws `VendorUnavailableError`.
 * A request Okta refuses for good throws `VendorRejectedError`; 401/403 (credentials, an
 * operator's fix) are rethrown as the SDK reported them, without retrying.
 */
export class OktaClient {
  private sdkClient?: Promise<okta.Client>;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxWaitMs: number;

  constructor(private readonly options: OktaClientOptions) {
    this.maxRetries = options.maxRetries ?? 3;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxWaitMs = options.maxWaitMs ?? 5000;
  }

  /** Loads the SDK and builds its client now, for a service whose first call must not wait for it. */
  async load(): Promise<void> {
    await this.client;
  }

  /** The SDK's client, built with the first call (a failed load is tried again with the next). */
  private get client(): Promise<okta.Client> {
    this.sdkClient ??= createSdkClient(this.options).catch((error: unknown) => {
      this.sdkClient = undefined;
      throw error;
    });
    return this.sdkClient;
  }

  /** The user with this Okta id or login; undefined when Okta does not know them (404 is an answer, not a failure). */
  async findUser(idOrLogin: string): Promise<OktaUser | undefined> {
    try {
      return userOf(await this.call(async () => (await this.client).userApi.getUser({ userId: idOrLogin })));
    } catch (error) {
      if (error instanceof VendorRejectedError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * Every user whose profile e-mail is `email`, ignoring case (Okta's `search` compares string
   * values case-insensitively; DEPROVISIONED users are included, as Okta returns them).
   */
  async usersWithEmail(email: string): Promise<OktaUser[]> {
    // Quotes and backslashes are escaped so an address cannot widen the search expression.
    const search = `profile.email eq "${email.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
    return this.call(async () => {
      const users: OktaUser[] = [];
      for await (const user of await (await this.client).userApi.listUsers({ search })) {
        const found = user ? userOf(user) : undefined;
        if (found) users.push(found);
      }
      return users;
    });
  }

  /** The login of the manager of the person with `login` (through `profile.managerId`); undefined when they have none or are unknown. */
  async managerLogin(login: string): Promise<string | undefined> {
    const managerId = (await this.findUser(login))?.managerId;
    if (!managerId) return undefined;
    return (await this.findUser(managerId))?.login || undefined;
  }

  /** The ids of the groups the user (by Okta id or login) is a member of; none for a user Okta does not know. */
  async groupsOf(idOrLogin: string): Promise<string[]> {
    try {
      return await this.call(async () => {
        const ids: string[] = [];
        for await (const group of await (await this.client).userApi.listUserGroups({ userId: idOrLogin })) {
          if (group?.id) ids.push(group.id);
        }
        return ids;
      });
    } catch (error) {
      if (error instanceof VendorRejectedError && error.status === 404) return [];
      throw error;
    }
  }

  /** Makes the user a member of the group; adding a member again is a no-op. */
  async addToGroup(userId: string, groupId: string): Promise<void> {
    // PUT membership is idempotent on Okta's side.
    await this.call(async () => (await this.client).groupApi.assignUserToGroup({ groupId, userId }));
  }

  /** Ends the membership; removing a non-member (or from a group that is gone) counts as done. */
  async removeFromGroup(userId: string, groupId: string): Promise<void> {
    try {
      await this.call(async () => (await this.client).groupApi.unassignUserFromGroup({ groupId, userId }));
    } catch (error) {
      // No such user or group means no membership is left to remove.
      if (error instanceof VendorRejectedError && error.status === 404) return;
      throw error;
    }
  }

  /** Whether the user is a member of the group. */
  async isMember(userId: string, groupId: string): Promise<boolean> {
    return (await this.listMembers(groupId)).some((member) => member.id === userId);
  }

  /** Every member of the group, across all pages. */
  async listMembers(groupId: string): Promise<OktaMember[]> {
    // The SDK's collection follows the `Link: rel="next"` pages; a retry starts the listing over.
    return this.call(async () => {
      const members: OktaMember[] = [];
      for await (const user of await (await this.client).groupApi.listGroupUsers({ groupId })) {
        if (user?.id) members.push({ id: user.id, login: user.profile?.login ?? '' });
      }
      return members;
    });
  }

  /** Runs one Okta call under the retry policy and turns its failures into this library's errors. */
  private async call<T>(operation: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry += 1) {
      try {
        return await operation();
      } catch (error) {
        const status = statusOf(error);
        if (isRejection(status)) throw new VendorRejectedError('okta', status, (error as Error).message, { cause: error });
        if (!isTransient(error)) throw error;
        if (retry >= this.maxRetries) {
          const message = `Okta kept failing after ${retry + 1} attempts: ${(error as Error).message}`;
          throw new VendorUnavailableError('okta', status, message, { cause: error });
        }
        await sleep(this.delayAfter(error, retry));
      }
    }
  }

  /** A 429 that says when its window resets is waited out by the org's budget before the next request; anything else backs off. */
  private delayAfter(error: unknown, retry: number): number {
    const headers = (error as { headers?: HeaderSource }).headers;
    if (statusOf(error) === 429 && headers && readRateLimit(headers, 429, Date.now())) return 0;
    return backoffDelay(retry + 1, { baseMs: this.baseDelayMs, maxMs: this.maxWaitMs });
  }
}

/** The SDK's user as this library's; undefined for one without an id. */
function userOf(user: okta.User): OktaUser | undefined {
  if (!user.id) return undefined;
  const managerId = user.profile?.managerId;
  return { id: user.id, login: user.profile?.login ?? '', status: String(user.status ?? 'ACTIVE'), ...(managerId ? { managerId } : {}) };
}

/** Rate limits, server errors and network failures (node-fetch's `FetchError`, timeouts included) pass; anything else needs a person. */
function isTransient(error: unknown): boolean {
  const status = statusOf(error);
  if (status === undefined) return ['FetchError', 'AbortError'].includes((error as Error | undefined)?.name ?? '');
  return status === 429 || status >= 500;
}
