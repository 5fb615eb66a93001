import { Injectable } from '@nestjs/common';
import { Catalog, policySnapshotOf } from '@jit/catalog';
import { Clock, ValidationError, formatDuration, type ApprovalRule, type DenyReason, type ResolvedStage } from '@jit/events';
import { approvalDecider } from '../approvals/approval.decider.js';
import { Approvals } from '../approvals/approvals.js';

/** What a request would meet now: the rule that decides it at once, if any, else who would approve each stage. */
export interface DryRunAnswer {
  applicationId: string;
  requester: string;
  durationSeconds: number;
  /** The time the answer holds for (time-window rules depend on it). */
  at: string;
  /** The catalog rule that would decide the request at once; null when the stages would. */
  rule: Pick<ApprovalRule, 'name' | 'effect'> | null;
  /** `approved` or `denied` at once, or `pending` the stages' decisions. */
  outcome: 'approved' | 'denied' | 'pending';
  /** Why it would be denied at once. */
  reason: DenyReason | null;
  /** Each stage in order: where its approvers come from, who they are, how many must approve, whom it escalates to. */
  stages: (ResolvedStage & { stage: number })[];
}

/**
 * The policy dry run: the approval rules of the service itself, run on a request that is not made.
 * The application comes from the catalog as a new request would snapshot it, the requester's
 * manager and groups from the directory, the time from the service's clock; nothing is stored or
 * published.
 */
@Injectable()
export class PolicyDryRun {
  constructor(
    private readonly catalog: Catalog,
    private readonly approvals: Approvals,
    private readonly clock: Clock,
  ) {}

  async run(requester: string, applicationId: string, durationSeconds: number): Promise<DryRunAnswer> {
    const application = this.catalog.find(applicationId);
    if (!application) {
      throw new ValidationError(`applicationId: unknown application "${applicationId}"; GET /v1/applications lists them`, {
        field: 'applicationId',
      });
    }
    if (durationSeconds < application.minDurationSeconds || durationSeconds > application.maxDurationSeconds) {
      const bounds = `between ${formatDuration(application.minDurationSeconds)} and ${formatDuration(application.maxDurationSeconds)}`;
      throw new ValidationError(
        `duration: ${formatDuration(durationSeconds)} is out of bounds; ${applicationId} can be granted for ${bounds}`,
        {
          field: 'duration',
        },
      );
    }
    const requested = { requester, application: policySnapshotOf(application), durationSeconds, justification: 'dry run' };
    const facts = await this.approvals.directoryFacts(requested);
    const now = this.clock.now();
    const decision = approvalDecider.decide(
      { kind: 'open', requested, manager: facts.manager, ...(facts.groups ? { groups: facts.groups } : {}) },
      approvalDecider.initialState,
      now,
    );
    // Opening an approval that does not exist is always accepted; anything else is a broken rule.
    if (decision.kind !== 'accepted') throw new Error(`the dry run was answered ${decision.kind}`);
    const [opened, settled] = decision.events;
    const stages = opened.type === 'approval_opened' ? opened.data.stages : [];
    const ruleName = opened.type === 'approval_opened' ? opened.data.rule : undefined;
    const rule = ruleName ? (application.rules.find((r) => r.name === ruleName) ?? null) : null;
    return {
      applicationId,
      requester,
      durationSeconds,
      at: now.toISOString(),
      rule: rule ? { name: rule.name, effect: rule.effect } : null,
      outcome: settled?.type === 'approved' ? 'approved' : settled?.type === 'denied' ? 'denied' : 'pending',
      reason: settled?.type === 'denied' ? settled.data.reason : null,
      stages: stages.map((stage, index) => ({ stage: index, ...stage, required: stage.required ?? 1 })),
    };
  }
}
