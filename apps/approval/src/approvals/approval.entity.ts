import { Column, Entity, PrimaryColumn } from 'typeorm';
import { normaliseLogin, type RequestedData } from '@jit/events';
import type { AccessOutcome, Approval, ApprovalStatus, Extension, StageDecision, StagePolicy } from './approval.decider.js';

/** The stored approval of one request (table `approvals`). */
@Entity({ name: 'approvals' })
export class ApprovalRecord {
  @PrimaryColumn('uuid', { name: 'request_id' })
  requestId: string;

  @Column('text')
  requester: string;

  @Column('jsonb')
  application: RequestedData['application'];

  @Column('integer', { name: 'duration_seconds' })
  durationSeconds: number;

  @Column('text')
  justification: string;

  /** The API key the request came through, which may never decide it. */
  @Column('text', { name: 'request_key', nullable: true })
  requestKey: string | null;

  @Column('text')
  state: ApprovalStatus;

  @Column('integer')
  stage: number;

  @Column('jsonb')
  stages: string[][];

  @Column('jsonb')
  approvers: string[];

  @Column('jsonb')
  decisions: StageDecision[];

  /** How many approvals each stage needs and whom it escalates to (null for approvals opened before these existed). */
  @Column('jsonb', { name: 'stage_policies', nullable: true })
  stagePolicies: StagePolicy[] | null;

  /** What became of the access, once the provisioner reported on it. */
  @Column('jsonb', { nullable: true })
  access: AccessOutcome | null;

  /** Every extension asked for, oldest first. */
  @Column('jsonb', { default: [] })
  extensions: Extension[];

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}

/** The decider's view of a stored approval, its logins in canonical form (rows written before logins were normalised kept them as typed). */
export function approvalOf(record: ApprovalRecord): Approval {
  const { requestId, application, durationSeconds, justification, requestKey, state, stage } = record;
  return {
    requestId,
    requester: normaliseLogin(record.requester),
    application,
    durationSeconds,
    justification,
    ...(requestKey ? { requestKey } : {}),
    state,
    stage,
    stages: record.stages.map((approvers) => approvers.map(normaliseLogin)),
    approvers: record.approvers.map(normaliseLogin),
    decisions: record.decisions.map((decision) => ({ ...decision, by: normaliseLogin(decision.by) })),
    ...(record.stagePolicies ? { stagePolicies: record.stagePolicies } : {}),
    ...(record.access ? { access: record.access } : {}),
    ...(record.extensions?.length ? { extensions: record.extensions } : {}),
  };
}

/** The row to store for a newly opened approval. */
export function recordOf(approval: Approval, times: { createdAt: Date; updatedAt: Date }): ApprovalRecord {
  return Object.assign(new ApprovalRecord(), { requestKey: null, access: null, extensions: [], stagePolicies: null }, approval, times);
}
