import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Catalog, type MembershipMode } from '@jit/catalog';
import { Clock } from '@jit/events';
import { PeriodicTask, SERVICE_CONFIG } from '@jit/platform';
import { membershipModes } from '../catalog/membership-mode.js';
import { PROVISIONER_ACTOR, type Grant } from '../grants/grant.decider.js';
import { GrantPipeline } from '../grants/grant.pipeline.js';
import { overdueGrants } from '../grants/grant.store.js';
import { leaseOwner } from '../leases/leased-loop.js';
import { GroupNotFoundError, IDENTITY_PROVIDER, type GroupMember, type IdentityProvider } from '../okta/identity-provider.js';
import type { ProvisionerConfig } from '../provisioner.config.js';
import { DirectoryLifecycle } from './directory-lifecycle.js';
import { unexplainedMembers } from './membership.js';
import { reconciliationMetrics } from './reconciliation.metrics.js';
import {
  grantedGroups,
  membershipReasons,
  openFindingCounts,
  recordFinding,
  releaseReconciliationLease,
  resolveMembers,
  resolveOverdue,
  rolledBackAdds,
  saveLatestRound,
  takeReconciliationLease,
  type Finding,
  type SeenFinding,
} from './reconciliation.store.js';
import type { GroupReport, RoundReport, RoundTrigger } from './round-report.js';

/**
 * How long after a grant is rolled back a member it tried to add is still taken for that add, landed
 * late (an Okta call times out after 10 s, but its request may still be applied): removed even from a
 * shared group. Later, a member of a shared group is someone's permanent member, only reported.
 */
const LATE_ADD_WATCH_MS = 15 * 60_000;

/** Overdue grants handled per round; the rest wait for the next round. */
const OVERDUE_BATCH_SIZE = 100;

/**
 * Grants that may hold a membership: `granting` commits (with its deadline) before Okta is called,
 * so a member it adds is always explained; `revoking` holds it until the revocation loop confirms
 * the removal.
 */
const HOLDING_STATUSES = ['granting', 'active', 'revoking'] as const;

/** What one group's reconciliation found, and how it ended. */
interface GroupOutcome {
  report: GroupReport;
  findings: SeenFinding[];
  resolved: Finding[];
}

/**
 * Access never outlives its grant, even when an event is lost or someone edits Okta by hand. On a
 * schedule (and on demand, `runNow`), compares every catalog application's group (and
 * `RECONCILE_GROUPS`, and every group granted into) with the grants that explain its members: in
 * an exclusive group it removes the members no grant explains, in a shared one it reports them;
 * it asks the grant rules to revoke grants still holding access past their expiry (or, never
 * completed, past their deadline); and it ends the requests of people Okta deactivated and of
 * applications gone from the catalog (`DirectoryLifecycle`). `RECONCILE_MODE=report` acts on
 * nothing and reports everything.
 *
 * A finding is logged, counted and recorded once while it persists, and marked resolved when it
 * goes away. A lease row keeps replicas (and an on-demand round) from reconciling at the same time.
 */
@Injectable()
export class ReconciliationLoop extends PeriodicTask {
  private readonly metrics = reconciliationMetrics();
  /** Whose reconciliation lease this replica takes. */
  private readonly owner = leaseOwner();
  private readonly modeOf: (groupId: string) => MembershipMode;
  private inFlight?: Promise<RoundReport | undefined>;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: GrantPipeline,
    private readonly clock: Clock,
    @Inject(IDENTITY_PROVIDER) private readonly idp: IdentityProvider,
    @Inject(SERVICE_CONFIG) private readonly config: ProvisionerConfig,
    private readonly catalog: Catalog,
    private readonly lifecycle: DirectoryLifecycle,
  ) {
    super();
    this.modeOf = membershipModes(catalog);
  }

  protected get intervalMs(): number {
    return this.config.RECONCILE_INTERVAL_MS;
  }

  private get enforce(): boolean {
    return this.config.RECONCILE_MODE === 'enforce';
  }

  override async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await super.beforeApplicationShutdown();
    await this.inFlight?.catch(() => undefined);
  }

  /** One scheduled round and what it found; undefined when another round (here or on another replica) is running. */
  tick(): Promise<RoundReport | undefined> {
    return this.round('schedule');
  }

  /** A round now, for an operator; undefined when another round is running. */
  runNow(): Promise<RoundReport | undefined> {
    return this.round('request');
  }

  private async round(trigger: RoundTrigger): Promise<RoundReport | undefined> {
    if (this.inFlight) return undefined;
    this.inFlight = this.leasedRound(trigger);
    try {
      return await this.inFlight;
    } finally {
      this.inFlight = undefined;
    }
  }

  private async leasedRound(trigger: RoundTrigger): Promise<RoundReport | undefined> {
    const { manager } = this.dataSource;
    const startedAt = this.clock.now();
    // A lease row, not a lock: the round calls Okta, and must hold no connection while it does.
    const until = new Date(startedAt.getTime() + this.config.CLAIM_LEASE_MS);
    if (!(await takeReconciliationLease(manager, this.owner, startedAt, until))) return undefined;
    try {
      const report = await this.reconcile(trigger, startedAt);
      await saveLatestRound(manager, report.startedAt, report.finishedAt, report);
      const open = await openFindingCounts(manager);
      for (const [kind, count] of Object.entries(open)) this.metrics.openFindings.set({ kind }, count);
      return report;
    } finally {
      await releaseReconciliationLease(manager, this.owner, this.clock.now());
    }
  }

  private async reconcile(trigger: RoundTrigger, startedAt: Date): Promise<RoundReport> {
    const report: RoundReport = {
      trigger,
      startedAt,
      finishedAt: startedAt,
      mode: this.config.RECONCILE_MODE,
      groups: [],
      findings: [],
      resolved: [],
    };
    for (const review of [await this.reviewOverdueGrants(), await this.lifecycle.review(this.enforce)]) {
      report.findings.push(...review.findings);
      report.resolved.push(...review.resolved);
    }
    for (const groupId of await this.groupsToReconcile()) {
      if (this.stopping) break;
      const outcome = await this.reconcileGroup(groupId);
      report.groups.push(outcome.report);
      report.findings.push(...outcome.findings);
      report.resolved.push(...outcome.resolved);
    }
    report.finishedAt = this.clock.now();
    return report;
  }

  /** Every catalog application's group, the groups `RECONCILE_GROUPS` names, and every group granted into. */
  private async groupsToReconcile(): Promise<string[]> {
    const granted = await grantedGroups(this.dataSource.manager);
    return [...new Set([...this.catalog.groups().keys(), ...this.config.RECONCILE_GROUPS, ...granted])];
  }

  /** Grants holding access well past their expiry or deadline, whose `expired` event never arrived. */
  private async reviewOverdueGrants(): Promise<{ findings: SeenFinding[]; resolved: Finding[] }> {
    const cutoff = new Date(this.clock.now().getTime() - this.config.RECONCILE_EXPIRY_GRACE_MS);
    const findings: SeenFinding[] = [];
    for (const grant of await overdueGrants(this.dataSource.manager, cutoff, OVERDUE_BATCH_SIZE)) {
      findings.push(await this.handleOverdue(grant));
    }
    const resolved = await resolveOverdue(this.dataSource.manager, cutoff, this.clock.now());
    for (const finding of resolved) this.logger.log({ requestId: finding.requestId }, 'overdue grant no longer holds access');
    return { findings, resolved };
  }

  /** Reports (and in enforce mode revokes, through the grant rules) one overdue grant, with its finding in the same transaction. */
  private async handleOverdue(grant: Grant): Promise<SeenFinding> {
    const seen = await this.dataSource.transaction(async (manager) => {
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
      return recordFinding(manager, {
        kind: 'overdue_grant',
        oktaGroupId: grant.oktaGroupId,
        oktaUserId: grant.oktaUserId,
        login: grant.requester,
        requestId: grant.requestId,
        action,
        foundAt: this.clock.now(),
      });
    });
    if (seen.new) {
      this.metrics.overdueGrants.inc({ action: seen.action });
      this.logger.warn(
        { requestId: grant.requestId, status: grant.status, expiresAt: grant.expiresAt, deadline: grant.deadline, action: seen.action },
        'grant holds access past its expiry',
      );
    }
    return seen;
  }

  private async reconcileGroup(groupId: string): Promise<GroupOutcome> {
    const membership = this.modeOf(groupId);
    const enforced = this.enforce && membership === 'exclusive';
    const report: GroupReport = { oktaGroupId: groupId, membership, enforced };
    try {
      // Grants are read after the members, and grants changed since the listing began count as
      // explanations: a grant that started or ended meanwhile is not mistaken for a stray member.
      const listedAt = this.clock.now();
      const members = await this.membersOf(groupId);
      report.members = members.length;
      const reasons = await membershipReasons(this.dataSource.manager, groupId, {
        statuses: [...HOLDING_STATUSES],
        changedSince: listedAt,
      });
      const findings: SeenFinding[] = [];
      const unexplained = unexplainedMembers(members, reasons);
      const lateAdds = await this.lateAddsAmong(groupId, unexplained);
      for (const member of unexplained) {
        const finding = await this.handleUnexplained(groupId, member, enforced || lateAdds.has(member.id));
        if (finding) findings.push(finding);
      }
      const stillThere = findings.filter((finding) => finding.action === 'reported').map((finding) => finding.oktaUserId!);
      const resolved = await resolveMembers(this.dataSource.manager, groupId, stillThere, this.clock.now());
      for (const finding of resolved) {
        this.logger.log({ oktaGroupId: groupId, oktaUserId: finding.oktaUserId, login: finding.login }, 'unexplained member gone');
      }
      return { report, findings, resolved };
    } catch (error) {
      this.logger.warn({ oktaGroupId: groupId, err: error }, 'could not reconcile the group; will try again next round');
      return { report: { ...report, error: (error as Error).message }, findings: [], resolved: [] };
    }
  }

  /**
   * Members of a shared group that a rolled-back grant of ours tried to add, recently: an add Okta
   * applied after the rollback removed it. They are the system's doing, so enforcement removes them
   * as in an exclusive group; a member nobody tried to add stays a permanent member.
   */
  private async lateAddsAmong(groupId: string, unexplained: GroupMember[]): Promise<Set<string>> {
    if (!this.enforce || unexplained.length === 0) return new Set();
    const since = new Date(this.clock.now().getTime() - LATE_ADD_WATCH_MS);
    const attempted = await rolledBackAdds(this.dataSource.manager, groupId, since);
    const late = unexplained.filter((member) => unexplainedMembers([member], attempted).length === 0);
    for (const member of late) this.logger.warn({ oktaGroupId: groupId, oktaUserId: member.id }, 'a rolled-back add landed in Okta late');
    return new Set(late.map((member) => member.id));
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

  /** Reports (and when `enforced` removes) one member no grant explains; undefined when a grant turned up meanwhile. */
  private async handleUnexplained(groupId: string, member: GroupMember, enforced: boolean): Promise<SeenFinding | undefined> {
    let action: Finding['action'] = 'reported';
    if (enforced) {
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
    const seen = await recordFinding(this.dataSource.manager, {
      kind: 'unexplained_member',
      oktaGroupId: groupId,
      oktaUserId: member.id,
      login: member.login,
      action,
      foundAt: this.clock.now(),
    });
    if (seen.new) {
      this.metrics.unexplainedMembers.inc({ application: this.applicationsOf(groupId), action });
      this.logger.warn({ oktaGroupId: groupId, oktaUserId: member.id, login: member.login, action }, 'group member no grant explains');
    }
    return seen;
  }

  /**
   * The catalog applications granted through a group, as a metric label: `/metrics` is scraped by
   * tools that must not learn the identity provider's group ids. `(none)` for a group the catalog
   * no longer names.
   */
  private applicationsOf(groupId: string): string {
    const ids = this.catalog.applications.filter((application) => application.oktaGroupId === groupId).map((application) => application.id);
    return ids.length ? ids.sort().join(',') : '(none)';
  }

  private async grantedMeanwhile(groupId: string, member: GroupMember): Promise<boolean> {
    const reasons = await membershipReasons(this.dataSource.manager, groupId, { statuses: ['granting', 'active'] });
    return unexplainedMembers([member], reasons).length === 0;
  }
}
