import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Catalog } from '@jit/catalog';
import { Clock } from '@jit/events';
import { SERVICE_CONFIG } from '@jit/platform';
import { PROVISIONER_ACTOR, type EndReason, type Grant } from '../grants/grant.decider.js';
import { GrantPipeline } from '../grants/grant.pipeline.js';
import { isDeactivated, type DirectoryUser } from '../okta/identity-provider.js';
import { OktaUsers } from '../okta/okta-users.js';
import type { ProvisionerConfig } from '../provisioner.config.js';
import {
  openRequestsOf,
  openRequestsOutside,
  recordRequesterChecked,
  requestersToCheck,
  resolveEndedRequests,
  resolveReactivated,
} from './directory.store.js';
import { reconciliationMetrics } from './reconciliation.metrics.js';
import { recordFinding, type Finding, type SeenFinding } from './reconciliation.store.js';

/** Requests for applications no longer in the catalog handled per round; the rest wait for the next one. */
const REMOVED_APPLICATION_BATCH_SIZE = 500;

/** What the directory and the catalog review found this round. */
export interface LifecycleReview {
  findings: SeenFinding[];
  resolved: Finding[];
}

/**
 * The directory moves on, and the system follows: a requester whom Okta deactivated, suspended or
 * deleted has their requests ended (pending ones closed as `requester_deactivated`, access revoked
 * as `deprovisioned`), and an application removed from the catalog has its requests ended
 * (`application_removed`), each through the grant rules. People are read from Okta a few per round
 * (`RECONCILE_PEOPLE_PER_ROUND`, longest unchecked first), so the review's share of Okta's rate
 * limit stays bounded however many people have requests open. With `act` false (report mode) the
 * findings are only recorded.
 */
@Injectable()
export class DirectoryLifecycle {
  private readonly logger = new Logger(DirectoryLifecycle.name);
  private readonly metrics = reconciliationMetrics();

  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: GrantPipeline,
    private readonly clock: Clock,
    private readonly users: OktaUsers,
    private readonly catalog: Catalog,
    @Inject(SERVICE_CONFIG) private readonly config: ProvisionerConfig,
  ) {}

  /** One round's review of the catalog and of a few requesters in Okta. */
  async review(act: boolean): Promise<LifecycleReview> {
    const findings = [...(await this.reviewApplications(act))];
    const requesters = await this.reviewRequesters(act);
    findings.push(...requesters.findings);
    const ended = await resolveEndedRequests(this.dataSource.manager, this.clock.now());
    return { findings, resolved: [...requesters.resolved, ...ended] };
  }

  private async reviewApplications(act: boolean): Promise<SeenFinding[]> {
    const ids = this.catalog.applications.map((application) => application.id);
    // An empty catalog is far likelier a wrong CATALOG_FILE than every application retired at once.
    if (ids.length === 0) {
      this.logger.warn({}, 'the catalog lists no application; no request is ended on its word');
      return [];
    }
    const findings: SeenFinding[] = [];
    for (const grant of await openRequestsOutside(this.dataSource.manager, ids, REMOVED_APPLICATION_BATCH_SIZE)) {
      const finding = await this.end(grant, 'application_removed', act);
      if (finding) findings.push(finding);
    }
    return findings;
  }

  private async reviewRequesters(act: boolean): Promise<LifecycleReview> {
    const review: LifecycleReview = { findings: [], resolved: [] };
    const { manager } = this.dataSource;
    for (const login of await requestersToCheck(manager, this.config.RECONCILE_PEOPLE_PER_ROUND)) {
      let user: DirectoryUser | undefined;
      try {
        user = await this.users.current(login);
      } catch (error) {
        // Not recorded as checked: this person comes first next round.
        this.logger.warn({ login, err: error }, 'could not read the requester in Okta; will try again next round');
        continue;
      }
      await recordRequesterChecked(manager, login, this.clock.now());
      if (user && !isDeactivated(user)) {
        review.resolved.push(...(await resolveReactivated(manager, login, this.clock.now())));
        continue;
      }
      for (const grant of await openRequestsOf(manager, login)) {
        const finding = await this.end(grant, 'deprovisioned', act, user);
        if (finding) review.findings.push(finding);
      }
    }
    return review;
  }

  /**
   * Ends one request through the grant rules (when `act`) and records the finding in the same
   * transaction; undefined when the request ended meanwhile.
   */
  private async end(grant: Grant, reason: EndReason, act: boolean, user?: DirectoryUser): Promise<SeenFinding | undefined> {
    const seen = await this.dataSource.transaction(async (manager) => {
      let action: Finding['action'] = 'reported';
      if (act) {
        const outcome = await this.grants.run({
          requestId: grant.requestId,
          command: { kind: 'end_access', reason },
          actor: PROVISIONER_ACTOR,
          manager,
        });
        if (outcome.kind !== 'done') return undefined;
        action = 'access_ended';
      }
      return recordFinding(manager, {
        kind: reason === 'deprovisioned' ? 'requester_deactivated' : 'application_removed',
        oktaGroupId: grant.oktaGroupId,
        oktaUserId: user?.id ?? grant.oktaUserId,
        login: grant.requester,
        requestId: grant.requestId,
        action,
        foundAt: this.clock.now(),
      });
    });
    if (seen?.new) {
      this.metrics.directoryFindings.inc({ kind: seen.kind, action: seen.action });
      const context = { requestId: grant.requestId, login: grant.requester, applicationId: grant.applicationId, status: grant.status };
      if (reason === 'deprovisioned') {
        this.logger.warn({ ...context, oktaStatus: user?.status ?? 'deleted', action: seen.action }, 'requester deactivated in Okta');
      } else {
        this.logger.warn({ ...context, action: seen.action }, 'application no longer in the catalog');
      }
    }
    return seen;
  }
}
