import { OktaClient, VendorRejectedError } from '@jit/vendors';
import {
  GroupNotFoundError,
  IdentityRejectedError,
  IdentityUnavailableError,
  UserNotFoundError,
  type DirectoryUser,
  type GroupMember,
  type IdentityProvider,
} from './identity-provider.js';

/** How the Okta adapter reaches Okta. */
export interface OktaOptions {
  orgUrl: string;
  token: string;
  /** In-place retries of a call that hit 429, 5xx or the network. */
  maxRetries: number;
  /** Per-request timeout, so a hung connection cannot hold a claimed grant past its lease. */
  timeoutMs?: number;
}

/** Longest wait for a rate-limit window to reset before giving up to the caller's retry. */
const MAX_RATE_LIMIT_WAIT_MS = 60_000;

/** `IdentityProvider` over Okta groups, through the shared `OktaClient`; the only code here that sees Okta's errors. */
export class OktaIdentityProvider implements IdentityProvider {
  private readonly okta: OktaClient;

  constructor(options: OktaOptions) {
    this.okta = new OktaClient({
      orgUrl: options.orgUrl,
      token: options.token,
      maxRetries: options.maxRetries,
      baseDelayMs: 200,
      maxWaitMs: MAX_RATE_LIMIT_WAIT_MS,
      timeoutMs: options.timeoutMs ?? 10_000,
    });
  }

  /** Loads the Okta SDK now rather than with the first call. */
  load(): Promise<void> {
    return this.okta.load();
  }

  async findUser(idOrLogin: string): Promise<DirectoryUser | undefined> {
    const user = await translated(() => this.okta.findUser(idOrLogin));
    return user && { id: user.id, login: user.login, status: user.status };
  }

  async addToGroup(userId: string, groupId: string): Promise<void> {
    try {
      await translated(() => this.okta.addToGroup(userId, groupId), { notFound: MembershipNotFound });
    } catch (error) {
      if (!(error instanceof MembershipNotFound)) throw error;
      // Okta answers 404 for a missing user and a missing group alike; whichever is gone decides what the caller does.
      const gone = (await this.findUser(userId)) ? GroupNotFoundError : UserNotFoundError;
      throw new gone(error.message, { cause: error.cause });
    }
  }

  removeFromGroup(userId: string, groupId: string): Promise<void> {
    return translated(() => this.okta.removeFromGroup(userId, groupId));
  }

  isMember(userId: string, groupId: string): Promise<boolean> {
    // The client answers from the group's listing, whose 404 can only mean the group is gone.
    return translated(() => this.okta.isMember(userId, groupId), { notFound: GroupNotFoundError });
  }

  listMembers(groupId: string): Promise<GroupMember[]> {
    // Listing names only the group, so Okta's 404 can only mean the group is gone.
    return translated(() => this.okta.listMembers(groupId), { notFound: GroupNotFoundError });
  }
}

/** A membership call's 404, before the adapter has found out whether the user or the group is gone. */
class MembershipNotFound extends IdentityRejectedError {}

/**
 * Runs an Okta call and speaks the port's errors: a refusal retrying cannot fix is rejected, and
 * anything else (rate limits and outages that outlasted the client's retries, bad credentials that
 * an operator will fix) is worth trying again later.
 */
async function translated<T>(call: () => Promise<T>, { notFound = IdentityRejectedError } = {}): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof VendorRejectedError) {
      const rejected = error.status === 404 ? notFound : IdentityRejectedError;
      throw new rejected(`Okta answered ${error.status}: ${error.message}`, { cause: error });
    }
    throw new IdentityUnavailableError(`Okta is unavailable: ${(error as Error).message}`, { cause: error });
  }
}
