import type { RecordedRequest, RequestStatus } from './request.decider.js';

/** A request as the API shows it. */
export interface RequestView {
  id: string;
  requester: string;
  applicationId: string;
  status: RequestStatus;
  reason: string | null;
  justification: string;
  durationSeconds: number;
  createdAt: string;
  grantedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  revokeRequestedAt: string | null;
}

/** The answer to a new request; an `Idempotency-Key` replay gets the same one. */
export interface Submitted {
  id: string;
  status: 'pending';
}

/** The view of a recorded request. */
export function viewOf(id: string, state: RecordedRequest): RequestView {
  return {
    id,
    requester: state.requester,
    applicationId: state.applicationId,
    status: state.status,
    reason: state.reason,
    justification: state.justification,
    durationSeconds: state.durationSeconds,
    createdAt: state.createdAt,
    grantedAt: state.grantedAt,
    expiresAt: state.expiresAt,
    revokedAt: state.revokedAt,
    revokeRequestedAt: state.revokeRequestedAt,
  };
}
