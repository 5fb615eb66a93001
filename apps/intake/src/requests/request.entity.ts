import { Column, Entity, PrimaryColumn } from 'typeorm';
import type {
  ApprovalStage,
  ExtensionAsked,
  ExtensionPolicy,
  RecordedRequest,
  RequestStatus,
  Retry,
  StageApproval,
} from './request.decider.js';

/** A row of the `requests` table: a request and its current status (the read model). */
@Entity({ name: 'requests' })
export class RequestRecord {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  requester: string;

  @Column({ name: 'application_id', type: 'text' })
  applicationId: string;

  @Column({ name: 'duration_seconds', type: 'integer' })
  durationSeconds: number;

  @Column('text')
  justification: string;

  @Column('text')
  status: RequestStatus;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** The caller's `Idempotency-Key`; unique per requester. */
  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  /**
   * Whether this request is the one open request of its requester for its application (a unique
   * index): set at submission, cleared when it settles, never set again.
   */
  @Column({ name: 'holds_open_slot', type: 'boolean' })
  holdsOpenSlot: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'granted_at', type: 'timestamptz', nullable: true })
  grantedAt: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoke_requested_at', type: 'timestamptz', nullable: true })
  revokeRequestedAt: Date | null;

  @Column({ name: 'approval_stages', type: 'jsonb', nullable: true })
  approvalStages: ApprovalStage[] | null;

  @Column({ type: 'jsonb' })
  approvals: StageApproval[];

  @Column({ name: 'ticket_key', type: 'text', nullable: true })
  ticketKey: string | null;

  @Column({ name: 'retry', type: 'jsonb', nullable: true })
  retry: Retry | null;

  /** The extension and justification policy of the request's snapshot. */
  @Column({ type: 'jsonb' })
  policy: ExtensionPolicy;

  @Column({ type: 'jsonb', nullable: true })
  extension: ExtensionAsked | null;
}

/** The decider's view of a row. */
export function stateOf(record: RequestRecord): RecordedRequest {
  return {
    recorded: true,
    requester: record.requester,
    applicationId: record.applicationId,
    durationSeconds: record.durationSeconds,
    justification: record.justification,
    status: record.status,
    reason: record.reason,
    createdAt: record.createdAt.toISOString(),
    grantedAt: iso(record.grantedAt),
    expiresAt: iso(record.expiresAt),
    revokedAt: iso(record.revokedAt),
    revokeRequestedAt: iso(record.revokeRequestedAt),
    approvalStages: record.approvalStages,
    approvals: record.approvals,
    ticketKey: record.ticketKey,
    retry: record.retry,
    policy: record.policy,
    extension: record.extension,
  };
}

/** The columns that follow from a state. */
export function columnsOf(state: RecordedRequest): Omit<RequestRecord, 'id' | 'idempotencyKey' | 'holdsOpenSlot' | 'updatedAt'> {
  return {
    requester: state.requester,
    applicationId: state.applicationId,
    durationSeconds: state.durationSeconds,
    justification: state.justification,
    status: state.status,
    reason: state.reason,
    createdAt: new Date(state.createdAt),
    grantedAt: date(state.grantedAt),
    expiresAt: date(state.expiresAt),
    revokedAt: date(state.revokedAt),
    revokeRequestedAt: date(state.revokeRequestedAt),
    approvalStages: state.approvalStages,
    approvals: state.approvals,
    ticketKey: state.ticketKey,
    retry: state.retry,
    policy: state.policy,
    extension: state.extension,
  };
}

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}

function date(value: string | null): Date | null {
  return value ? new Date(value) : null;
}
