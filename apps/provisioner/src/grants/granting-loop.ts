import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, backoffDelay } from '@jit/events';
import { SERVICE_CONFIG } from '@jit/platform';
import { LeasedLoop, messageOf, type Lease } from '../leases/leased-loop.js';
import { IDENTITY_PROVIDER, IdentityRejectedError, type IdentityProvider } from '../okta/identity-provider.js';
import type { ProvisionerConfig } from '../provisioner.config.js';
import { PROVISIONER_ACTOR, type Grant, type GrantCommand } from './grant.decider.js';
import { GrantPipeline } from './grant.pipeline.js';
import { claimOktaWork, releaseOktaWork, retryOktaWork, type OktaWork } from './grant.store.js';

/**
 * Makes approved grants real in Okta. The grant's deadline committed with its approval, so a
 * membership added here is covered whatever fails next. Each round leases due grants, adds each
 * requester to the group with no transaction open, and commits `granted` (or `grant_failed` when
 * Okta refuses for good) through the grant rules in a short transaction of its own. Okta's
 * membership PUT is idempotent, so a grant taken over after a crash (its lease ran out) is simply
 * added again, and the rules publish `granted` once.
 */
@Injectable()
export class GrantingLoop extends LeasedLoop<OktaWork> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: GrantPipeline,
    clock: Clock,
    @Inject(IDENTITY_PROVIDER) private readonly idp: IdentityProvider,
    @Inject(SERVICE_CONFIG) private readonly config: ProvisionerConfig,
  ) {
    super(clock, { concurrency: config.LOOP_CONCURRENCY, leaseMs: config.CLAIM_LEASE_MS });
    this.wakeOnAnnouncements(dataSource, 'granting');
  }

  protected get intervalMs(): number {
    return this.config.GRANT_TICK_MS;
  }

  protected claim(lease: Lease, limit: number): Promise<OktaWork[]> {
    return claimOktaWork(this.dataSource.manager, 'granting', lease, limit);
  }

  protected async work({ grant }: OktaWork): Promise<void> {
    const command = await this.grantInOkta(grant);
    const outcome = await this.dataSource.transaction(async (manager) => {
      const result = await this.grants.run({ requestId: grant.requestId, command, actor: PROVISIONER_ACTOR, manager });
      await releaseOktaWork(manager, grant.requestId, this.owner);
      return result;
    });
    const context = { requestId: grant.requestId, oktaGroupId: grant.oktaGroupId };
    if (outcome.kind !== 'done') this.logger.log({ ...context, outcome: outcome.kind }, 'grant settled meanwhile; nothing to commit');
    else if (command.kind === 'fail_grant') this.logger.warn({ ...context, reason: command.reason }, 'grant failed');
    else this.logger.log(context, 'access granted');
  }

  /** What Okta made of the grant: a membership, or a refusal retrying cannot fix. Anything else throws, to be retried. */
  private async grantInOkta(grant: Grant): Promise<GrantCommand> {
    const userId = await this.idp.findUserId(grant.requester);
    if (!userId) return { kind: 'fail_grant', reason: `${grant.requester} is not a user in Okta` };
    try {
      await this.idp.addToGroup(userId, grant.oktaGroupId);
    } catch (error) {
      if (error instanceof IdentityRejectedError) return { kind: 'fail_grant', reason: `Okta refused the membership: ${error.message}` };
      throw error;
    }
    return { kind: 'complete_grant', oktaUserId: userId };
  }

  protected async retryLater({ grant, attempts }: OktaWork, error: unknown): Promise<void> {
    const attempt = attempts + 1;
    const delay = backoffDelay(attempt, { baseMs: this.config.GRANT_BACKOFF_BASE_MS, maxMs: this.config.GRANT_BACKOFF_MAX_MS });
    await retryOktaWork(this.dataSource.manager, grant.requestId, this.owner, {
      attempts: attempt,
      nextAttemptAt: new Date(this.clock.now().getTime() + delay),
      error: messageOf(error),
    });
  }

  protected describe({ grant, attempts }: OktaWork): Record<string, unknown> {
    return { requestId: grant.requestId, attempt: attempts + 1 };
  }
}
