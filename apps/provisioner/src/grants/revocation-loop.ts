import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, backoffDelay } from '@jit/events';
import { SERVICE_CONFIG } from '@jit/platform';
import { LeasedLoop, messageOf, type Lease } from '../leases/leased-loop.js';
import { IDENTITY_PROVIDER, type IdentityProvider } from '../okta/identity-provider.js';
import type { ProvisionerConfig } from '../provisioner.config.js';
import { PROVISIONER_ACTOR } from './grant.decider.js';
import { GrantPipeline } from './grant.pipeline.js';
import { claimOktaWork, nextOktaWorkDue, releaseOktaWork, retryOktaWork, type OktaWork } from './grant.store.js';
import { justifiedByAnotherGrant } from './membership.store.js';

/**
 * Revokes grants marked `revoking`: each round leases due grants, removes the Okta membership with
 * no transaction open and no row locked, and commits `revoked` through the grant rules. A failed
 * attempt commits `revoke_failed` and is tried again with backoff for as long as it takes: access
 * never outlives its grant. Removing a membership that is already gone counts as done.
 *
 * Memberships are counted, not toggled: the membership ends with the last grant that justifies it,
 * and one that predates every grant (in a shared group) is never removed. The decision is read from
 * the committed grants of the same person and group when the revocation runs; the claim keeps them
 * from changing Okta meanwhile, and no transaction is open while Okta is called.
 */
@Injectable()
export class RevocationLoop extends LeasedLoop<OktaWork> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: GrantPipeline,
    clock: Clock,
    @Inject(IDENTITY_PROVIDER) private readonly idp: IdentityProvider,
    @Inject(SERVICE_CONFIG) private readonly config: ProvisionerConfig,
  ) {
    super(clock, { concurrency: config.LOOP_CONCURRENCY, leaseMs: config.CLAIM_LEASE_MS });
    this.wakeOnWork(dataSource, 'revoking');
  }

  protected get intervalMs(): number {
    return this.config.REVOKE_TICK_MS;
  }

  protected claim(lease: Lease, limit: number): Promise<OktaWork[]> {
    return claimOktaWork(this.dataSource, 'revoking', lease, limit);
  }

  protected nextDue(now: Date): Promise<Date | undefined> {
    return nextOktaWorkDue(this.dataSource.manager, 'revoking', now);
  }

  protected async work(work: OktaWork): Promise<void> {
    const { grant } = work;
    const membership = await this.endMembership(work);
    await this.dataSource.transaction(async (manager) => {
      await this.grants.run({ requestId: grant.requestId, command: { kind: 'confirm_revocation' }, actor: PROVISIONER_ACTOR, manager });
      await releaseOktaWork(manager, grant.requestId, this.owner);
    });
    this.logger.log({ requestId: grant.requestId, reason: grant.revokeReason, membership }, 'access revoked');
  }

  /** Removes the membership unless it predates the grant or another grant still justifies it; says which. */
  private async endMembership({ grant, membership }: OktaWork): Promise<'removed' | 'preexisting' | 'kept_for_another_grant'> {
    if (membership === 'preexisting') return 'preexisting';
    if (await justifiedByAnotherGrant(this.dataSource.manager, grant)) return 'kept_for_another_grant';
    // Every grant that reached `revoking` went through `granted`, which names the Okta user.
    await this.idp.removeFromGroup(grant.oktaUserId!, grant.oktaGroupId);
    return 'removed';
  }

  /** Publishes `revoke_failed` with the attempt's number and keeps the revocation due after a backoff. */
  protected async retryLater({ grant, attempts }: OktaWork, error: unknown): Promise<void> {
    const attempt = attempts + 1;
    const delay = backoffDelay(attempt, { baseMs: this.config.REVOKE_BACKOFF_BASE_MS, maxMs: this.config.REVOKE_BACKOFF_MAX_MS });
    const nextAttemptAt = new Date(this.clock.now().getTime() + delay);
    const command = { kind: 'fail_revocation', error: messageOf(error), attempt, nextAttemptAt } as const;
    await this.dataSource.transaction(async (manager) => {
      await this.grants.run({ requestId: grant.requestId, command, actor: PROVISIONER_ACTOR, manager });
      await retryOktaWork(manager, grant.requestId, this.owner, { attempts: attempt, nextAttemptAt, error: command.error });
    });
  }

  protected describe({ grant, attempts }: OktaWork): Record<string, unknown> {
    return { requestId: grant.requestId, attempt: attempts + 1 };
  }
}
