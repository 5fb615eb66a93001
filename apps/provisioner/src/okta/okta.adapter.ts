import { OktaClient } from '@jit/vendors';
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

/** `IdentityProvider` over Okta groups, through the shared `OktaClient`. */
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

  async findUserId(login: string): Promise<string | undefined> {
    return (await this.okta.findUser(login))?.id;
  }

  addToGroup(userId: string, groupId: string): Promise<void> {
    return this.okta.addToGroup(userId, groupId);
  }

  removeFromGroup(userId: string, groupId: string): Promise<void> {
    return this.okta.removeFromGroup(userId, groupId);
  }

  isMember(userId: string, groupId: string): Promise<boolean> {
    return this.okta.isMember(userId, groupId);
  }

  listMembers(groupId: string): Promise<GroupMember[]> {
    return this.okta.listMembers(groupId);
  }
}
