import type { SubjectDirectory } from '@jit/platform';
import { OktaClient, type OktaClientOptions } from '@jit/vendors';

/**
 * `SubjectDirectory` over Okta, for access tokens without a verified email: an Okta access token's
 * `sub` is the user's login (the org authorization server) or id, and `GET /api/v1/users/{id or login}`
 * answers both. Only an active user is someone; a deactivated one's token names nobody.
 */
export class OktaSubjects implements SubjectDirectory {
  private readonly okta: OktaClient;

  constructor(options: OktaClientOptions) {
    // A sign-in waits for this answer: a short wait and one retry, then the caller gets its 401 and tries again.
    this.okta = new OktaClient({ maxRetries: 1, maxWaitMs: 2000, timeoutMs: 5000, ...options });
  }

  async loginOf(subject: string): Promise<string | undefined> {
    const user = await this.okta.findUser(subject);
    return user?.status === 'ACTIVE' && user.login ? user.login : undefined;
  }
}
