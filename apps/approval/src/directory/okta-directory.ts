import { normaliseLogin } from '@jit/events';
import { OktaClient, VendorUnavailableError } from '@jit/vendors';
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

/** `Directory` over Okta: the manager is the user whose id is in the requester's `profile.managerId`. */
export class OktaDirectory extends Directory {
  private readonly okta: OktaClient;

  constructor(options: OktaDirectoryOptions) {
    super();
    this.okta = new OktaClient({
      orgUrl: options.orgUrl,
      token: options.token,
      maxRetries: (options.maxAttempts ?? 4) - 1,
      baseDelayMs: options.baseDelayMs ?? 250,
      maxWaitMs: options.maxWaitMs ?? 5000,
    });
  }

  async managerOf(login: string): Promise<string | undefined> {
    // Not "no manager" on an outage: the approval event must be retried later rather than routed without one.
    const manager = await this.asked(() => this.okta.managerLogin(login));
    return manager === undefined ? undefined : normaliseLogin(manager);
  }

  async isActive(login: string): Promise<boolean> {
    return (await this.asked(() => this.okta.findUser(login)))?.status === 'ACTIVE';
  }

  async groupsOf(login: string): Promise<string[]> {
    return this.asked(() => this.okta.groupsOf(login));
  }

  async loginsWithEmail(email: string): Promise<string[]> {
    const users = await this.asked(() => this.okta.usersWithEmail(email));
    // A DEPROVISIONED account is someone who left (or an old account of someone re-created): nobody to act as.
    const logins = users.filter((user) => user.status !== 'DEPROVISIONED').map((user) => normaliseLogin(user.login));
    return [...new Set(logins)];
  }

  private async asked<T>(question: () => Promise<T>): Promise<T> {
    try {
      return await question();
    } catch (error) {
      if (error instanceof VendorUnavailableError) throw new DirectoryUnavailableError(error.message, { cause: error });
      throw error;
    }
  }
}
