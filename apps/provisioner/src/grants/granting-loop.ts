import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Catalog, type MembershipMode } from '@jit/catalog';
import { Clock, backoffDelay } from '@jit/events';
import { SERVICE_CONFIG } from '@jit/platform';
import { catalogRefusal } from '../catalog/catalog-check.js';
import { membershipModes } from '../catalog/membership-mode.js';
import { LeasedLoop, messageOf, type Lease } from '../leases/leased-loop.js';
import {
  GroupNotFoundError,
  IDENTITY_PROVIDER,
  IdentityRejectedError,
  UserNotFoundError,
  type IdentityProvider,
} from '../okta/identity-provider.js';
import { OktaUsers } from '../okta/okta-users.js';
import type { ProvisionerConfig } from '../provisioner.config.js';
import { PROVISIONER_ACTOR, type Grant } from './grant.decider.js';
import { GrantPipeline } from './grant.pipeline.js';
import { claimOktaWork, nextOktaWorkDue, releaseOktaWork, retryOktaWork, type Membership, type OktaWork } from './grant.store.js';
import { addedByAnotherGrant, justifiedByAnotherGrant, recordMembershipAdded, recordMembershipPreexisting } from './membership.store.js';

/** Why a grant still granting at its deadline is rolled back. */
export const DEADLINE_PASSED = 'the grant could not complete before its deadline';

/** What Okta made of a grant: the membership it stands on, or a refusal retrying cannot fix. */
type GrantResult = { kind: 'complete_grant'; oktaUserId: string; membership: Membership } | { kind: 'fail_grant'; reason: string };

/**
 * Makes approved grants real in Okta. The grant's deadline committed with its approval, so a
 * membership added here is covered whatever fails next. Each round leases due grants, adds each
 * requester to the group with no transaction open, and commits `granted` (or `grant_failed` when
 * Okta refuses for good) through the grant rules in a short transaction of its own. Okta's
 * membership PUT is idempotent, so a grant taken over after a crash (its lease ran out) is simply
 * added again, and the rules publish `granted` once.
 *
 * In a shared group, someone already a member whom no grant of ours explains is a permanent member:
 * the grant records the membership as pre-existing, adds nothing, and its end removes nothing.
 *
 * A grant is completed or rolled back, never left in between: one still granting at its deadline
 * (the approval's time plus the duration) stops trying, has any membership it may have added removed
 * (unless another grant justifies it), and fails; a group that no longer exists fails it at once.
 */
@Injectable()
export class GrantingLoop extends LeasedLoop<OktaWork> {
  private readonly modeOf: (groupId: string) => MembershipMode;

  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: GrantPipeline,
    clock: Clock,
    @Inject(IDENTITY_PROVIDER) private readonly idp: IdentityProvider,
    @Inject(SERVICE_CONFIG) private readonly config: ProvisionerConfig,
    private readonly catalog: Catalog,
    private readonly users: OktaUsers,
  ) {
    super(clock, { concurrency: config.LOOP_CONCURRENCY, leaseMs: config.CLAIM_LEASE_MS });
    this.modeOf = membershipModes(catalog);
    this.wakeOnWork(dataSource, 'granting');
  }

  protected get intervalMs(): number {
    return this.config.GRANT_TICK_MS;
  }

  protected claim(lease: Lease, limit: number): Promise<OktaWork[]> {
    return claimOktaWork(this.dataSource, 'granting', lease, limit);
  }

  protected nextDue(now: Date): Promise<Date | undefined> {
    return nextOktaWorkDue(this.dataSource.manager, 'granting', now);
  }

  protected async work(work: OktaWork): Promise<void> {
    const { grant } = work;
    const result = this.pastDeadline(grant)
      ? await this.rollBack(work)
      : grant.endRequested && !work.membership
        ? // Ended (a cancel after the approval, say) before the add began: stop here rather than grant and revoke at once.
          { kind: 'fail_grant' as const, reason: `access was ended (${grant.endRequested}) before it was granted` }
        : await this.checkedGrant(work);
    const outcome = await this.dataSource.transaction(async (manager) => {
      const done = await this.grants.run({ requestId: grant.requestId, command: result, actor: PROVISIONER_ACTOR, manager });
      if (done.kind === 'done' && result.kind === 'complete_grant' && result.membership === 'preexisting') {
        await recordMembershipPreexisting(manager, grant.requestId);
      }
      await releaseOktaWork(manager, grant.requestId, this.owner);
      return done;
    });
    const context = { requestId: grant.requestId, oktaGroupId: grant.oktaGroupId };
    if (outcome.kind !== 'done') this.logger.log({ ...context, outcome: outcome.kind }, 'grant settled meanwhile; nothing to commit');
    else if (result.kind === 'fail_grant') this.logger.warn({ ...context, reason: result.reason }, 'grant failed');
    else this.logger.log({ ...context, membership: result.membership }, 'access granted');
  }

  /** A grant the catalog does not back fails before Okta is called; one whose membership was added already was checked before the add. */
  private async checkedGrant(work: OktaWork): Promise<GrantResult> {
    const refusal = work.membership ? undefined : catalogRefusal(this.catalog, work.grant);
    return refusal ? { kind: 'fail_grant', reason: refusal } : this.grantInOkta(work);
  }

  /** What Okta made of the grant. Anything but a membership or a refusal retrying cannot fix throws, to be retried. */
  private async grantInOkta(work: OktaWork): Promise<GrantResult> {
    try {
      return await this.addMembership(work);
    } catch (error) {
      if (error instanceof GroupNotFoundError)
        return { kind: 'fail_grant', reason: `the Okta group ${work.grant.oktaGroupId} does not exist` };
      if (error instanceof IdentityRejectedError) return { kind: 'fail_grant', reason: `Okta refused the membership: ${error.message}` };
      throw error;
    }
  }

  private async addMembership(work: OktaWork): Promise<GrantResult> {
    const { grant } = work;
    const userId = await this.users.idOf(grant.requester);
    if (!userId) return { kind: 'fail_grant', reason: `${grant.requester} is not a user in Okta` };
    try {
      return await this.addAs(work, userId);
    } catch (error) {
      if (!(error instanceof UserNotFoundError)) throw error;
      // The id remembered for the login belongs to a user deleted since; the next attempt looks the login up again.
      await this.users.forget(grant.requester);
      throw new Error(`Okta no longer knows the user id ${userId} of ${grant.requester}`, { cause: error });
    }
  }

  private async addAs(work: OktaWork, userId: string): Promise<GrantResult> {
    const { grant } = work;
    const membership = work.membership ?? (await this.membershipOf(grant, userId));
    if (membership === 'preexisting') return { kind: 'complete_grant', oktaUserId: userId, membership };
    if (!work.membership && !(await recordMembershipAdded(this.dataSource.manager, grant.requestId, this.owner))) {
      throw new Error('the claim on the grant ran out before the membership was added');
    }
    await this.idp.addToGroup(userId, grant.oktaGroupId);
    return { kind: 'complete_grant', oktaUserId: userId, membership };
  }

  private pastDeadline(grant: Grant): boolean {
    return grant.deadline !== undefined && grant.deadline <= this.clock.now();
  }

  /** Removes the membership this grant may have added, unless another grant justifies it, and fails the grant. */
  private async rollBack({ grant, membership }: OktaWork): Promise<GrantResult> {
    if (membership === 'added' && !(await justifiedByAnotherGrant(this.dataSource.manager, grant))) {
      const userId = await this.users.idOf(grant.requester);
      // A user who is gone from Okta is in no group.
      if (userId) await this.idp.removeFromGroup(userId, grant.oktaGroupId);
    }
    return { kind: 'fail_grant', reason: DEADLINE_PASSED };
  }

  /**
   * Whether this grant adds the membership or finds it there before any grant of ours. Only a
   * shared group keeps members the system did not add; in an exclusive group every membership is
   * the grants', and a stray one is simply taken over (and removed when the grant ends).
   */
  private async membershipOf(grant: Grant, userId: string): Promise<Membership> {
    if (this.modeOf(grant.oktaGroupId) === 'exclusive') return 'added';
    if (!(await this.idp.isMember(userId, grant.oktaGroupId))) return 'added';
    return (await addedByAnotherGrant(this.dataSource.manager, grant)) ? 'added' : 'preexisting';
  }

  /**
   * Publishes `grant_retrying` (the requester's view says why the grant waits, and until when) and
   * tries again after a backoff, but no later than the deadline, when the grant is rolled back instead.
   */
  protected async retryLater({ grant, attempts }: OktaWork, error: unknown): Promise<void> {
    const attempt = attempts + 1;
    const delay = backoffDelay(attempt, { baseMs: this.config.GRANT_BACKOFF_BASE_MS, maxMs: this.config.GRANT_BACKOFF_MAX_MS });
    const next = this.clock.now().getTime() + delay;
    const deadline = this.pastDeadline(grant) ? Infinity : (grant.deadline?.getTime() ?? Infinity);
    const nextAttemptAt = new Date(Math.min(next, deadline));
    const command = { kind: 'retry_grant', error: messageOf(error), attempt, nextAttemptAt } as const;
    await this.dataSource.transaction(async (manager) => {
      await this.grants.run({ requestId: grant.requestId, command, actor: PROVISIONER_ACTOR, manager });
      await retryOktaWork(manager, grant.requestId, this.owner, { attempts: attempt, nextAttemptAt, error: command.error });
    });
  }

  protected describe({ grant, attempts }: OktaWork): Record<string, unknown> {
    return { requestId: grant.requestId, attempt: attempts + 1 };
  }
}
