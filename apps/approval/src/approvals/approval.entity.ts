import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RequestedData } from '@jit/events';
import type { Approval, ApprovalStatus, StageDecision } from './approval.decider.js';

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

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}

/** The decider's view of a stored approval. */
export function approvalOf(record: ApprovalRecord): Approval {
  const { requestId, requester, application, durationSeconds, justification, requestKey, state, stage, stages, approvers, decisions } =
    record;
  const facts = { requestId, requester, application, durationSeconds, justification, ...(requestKey ? { requestKey } : {}) };
  return { ...facts, state, stage, stages, approvers, decisions };
}

/** The row to store for a newly opened approval. */
export function recordOf(approval: Approval, times: { createdAt: Date; updatedAt: Date }): ApprovalRecord {
  return Object.assign(new ApprovalRecord(), { requestKey: null }, approval, times);
}
