import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@jit/events';
import { PeriodicTask, SERVICE_CONFIG } from '@jit/platform';
import { PROVISIONER_ACTOR, type Grant } from '../grants/grant.decider.js';
import { GrantPipeline } from '../grants/grant.pipeline.js';
import { overdueGrants } from '../grants/grant.store.js';
import { GroupNotFoundError, IDENTITY_PROVIDER, type GroupMember, type IdentityProvider } from '../okta/identity-provider.js';
import type { ProvisionerConfig } from '../provisioner.config.js';
import { unexplainedMembers } from './membership.js';
import { reconciliationMetrics } from './reconciliation.metrics.js';
import { leaseOwner } from '../leases/leased-loop.js';
import {
  grantedGroups,
  membershipReasons,
  recordFinding,
  releaseReconciliationLease,
  takeReconciliationLease,
  type Finding,
} from './reconciliation.store.js';

/**
 * The scheduler fires `expired` at `expiresAt`; a grant still active this long after it is taken to
 * have lost its event, rather than racing one about to arrive.
 */
const EXPIRY_GRACE_MS = 60_000;

/** Overdue grants handled per round; the rest wait for the next round. */
const OVERDUE_BATCH_SIZE = 100;

/**
 * Grants that may hold a membership: `granting` commits (with its deadline) before Okta is called,
 * so a member it adds is always explained; `revoking` holds it until the revocation loop confirms
 * the removal.
 */
const HOLDING_STATUSES = ['granting', 'active', 'revoking'] as const;

/**
 * Access never outlives its grant, even when an event is lost or someone edits Okta by hand:
 * compares every managed Okta group with the grants that explain its members, and in `enforce`
 * mode removes the rest and asks the grant rules to revoke grants still holding access past their
 * expiry (or, never completed, past their deadline).
 * In `report` mode it only logs, counts and records what it finds. A session advisory lock keeps
 * replicas from reconciling at the same time.
 */
@Injectable()
export class ReconciliationLoop extends PeriodicTask {
  private readonly metrics = reconciliationMetrics();
  /** Whose reconciliation lease this replica takes. */
  private readonly owner = leaseOwner();

  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: GrantPipeline,
    private readonly clock: Clock,
    @Inject(IDENTITY_PROVIDER) private readonly idp: IdentityProvider,
    @Inject(SERVICE_CONFIG) private readonly config: ProvisionerConfig,
  ) {
    super();
  }

  protected get intervalMs(): number {
    return this.config.RECONCILE_INTERVAL_MS;
  }

  private get enforce(): boolean {
    return this.config.RECONCILE_MODE === 'enforce';
  }

  /** One reconciliation round and what it found; undefined when another replica is reconciling. */
  async tick(): Promise<Finding[] | undefined> {
    const { manager } = this.dataSource;
    const now = this.clock.now();
    // A lease row, not a lock: the round calls Okta, and must hold no connection while it does.
    if (!(await takeReconciliationLease(manager, this.owner, now, new Date(now.getTime() + this.config.CLAIM_LEASE_MS)))) return undefined;
    try {
      return await this.reconcile();
    } finally {
      await releaseReconciliationLease(manager, this.owner, this.clock.now());
    }
  }

  private async reconcile(): Promise<Finding[]> {
    const findings = await this.reviewOverdueGrants();
    const groups = new Set([...(await grantedGroups(this.dataSource.manager)), ...this.config.RECONCILE_GROUPS]);
    for (const groupId of groups) {
      if (!this.running) break;
      try {
        findings.push(...(await this.reconcileGroup(groupId)));
      } catch (error) {
        this.logger.warn({ oktaGroupId: groupId, err: error }, 'could not reconcile the group; will try again next round');
      }
    }
    return findings;
  }

  /** Grants holding access well past their expiry or deadline, whose `expired` event never arrived. */
  private async reviewOverdueGrants(): Promise<Finding[]> {
    const cutoff = new Date(this.clock.now().getTime() - EXPIRY_GRACE_MS);
    const findings: Finding[] = [];
    for (const grant of await overdueGrants(this.dataSource.manager, cutoff, OVERDUE_BATCH_SIZE)) {
      findings.push(await this.handleOverdue(grant));
    }
    return findings;
  }

  /** Reports (and in enforce mode revokes, through the grant rules) one overdue grant, with its finding in the same transaction. */
  private handleOverdue(grant: Grant): Promise<Finding> {
    return this.dataSource.transaction(async (manager) => {
      let action: Finding['action'] = 'reported';
      if (this.enforce) {
        const outcome = await this.grants.run({
          requestId: grant.requestId,
          command: { kind: 'revoke_overdue' },
          actor: PROVISIONER_ACTOR,
          manager,
        });
        if (outcome.kind === 'done') action = 'revocation_started';
      }
      const finding: Finding = {
        kind: 'overdue_grant',
        oktaGroupId: grant.oktaGroupId,
        oktaUserId: grant.oktaUserId,
        login: grant.requester,
        requestId: grant.requestId,
        action,
        foundAt: this.clock.now(),
      };
      await recordFinding(manager, finding);
      this.metrics.overdueGrants.inc({ action });
      this.logger.warn(
        { requestId: grant.requestId, status: grant.status, expiresAt: grant.expiresAt, deadline: grant.deadline, action },
        'grant holds access past its expiry',
      );
      return finding;
    });
  }

  private async reconcileGroup(groupId: string): Promise<Finding[]> {
    // Grants are read after the members, and grants changed since the listing began count as
    // explanations: a grant that started or ended meanwhile is not mistaken for a stray member.
    const listedAt = this.clock.now();
    const members = await this.membersOf(groupId);
    const reasons = await membershipReasons(this.dataSource.manager, groupId, { statuses: [...HOLDING_STATUSES], changedSince: listedAt });
    const findings: Finding[] = [];
    for (const member of unexplainedMembers(members, reasons)) {
      const finding = await this.handleUnexplained(groupId, member);
      if (finding) findings.push(finding);
    }
    return findings;
  }

  private async membersOf(groupId: string): Promise<GroupMember[]> {
    try {
      return await this.idp.listMembers(groupId);
    } catch (error) {
      if (!(error instanceof GroupNotFoundError)) throw error;
      this.logger.warn({ oktaGroupId: groupId }, 'managed group not found in Okta; nobody can hold access through it');
      return [];
    }
  }

  /** Reports (and in enforce mode removes) one member no grant explains; undefined when a grant turned up meanwhile. */
  private async handleUnexplained(groupId: string, member: GroupMember): Promise<Finding | undefined> {
    let action: Finding['action'] = 'reported';
    if (this.enforce) {
      await this.idp.removeFromGroup(member.id, groupId);
      action = 'removed';
      // A grant whose `granting` committed after the check above may have added this member just
      // before the removal; one committing later adds it again itself.
      if (await this.grantedMeanwhile(groupId, member)) {
        await this.idp.addToGroup(member.id, groupId);
        this.logger.log({ oktaGroupId: groupId, oktaUserId: member.id }, 'a grant began during reconciliation; membership kept');
        return undefined;
      }
    }
    const finding: Finding = {
      kind: 'unexplained_member',
      oktaGroupId: groupId,
      oktaUserId: member.id,
      login: member.login,
      action,
      foundAt: this.clock.now(),
    };
    await recordFinding(this.dataSource.manager, finding);
    this.metrics.unexplainedMembers.inc({ group: groupId, action });
    this.logger.warn({ oktaGroupId: groupId, oktaUserId: member.id, login: member.login, action }, 'group member no grant explains');
    return finding;
  }

  private async grantedMeanwhile(groupId: string, member: GroupMember): Promise<boolean> {
    const reasons = await membershipReasons(this.dataSource.manager, groupId, { statuses: ['granting', 'active'] });
    return unexplainedMembers([member], reasons).length === 0;
  }
}
