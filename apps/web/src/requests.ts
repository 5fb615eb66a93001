/** A request as intake's `GET /v1/requests` shows it. */
export interface RequestView {
  id: string;
  requester: string;
  applicationId: string;
  status: 'pending' | 'approved' | 'denied' | 'cancelled' | 'granted' | 'failed' | 'revoked';
  reason: string | null;
  justification: string;
  durationSeconds: number;
  createdAt: string;
  grantedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  revokeRequestedAt: string | null;
  approval: { currentStage: number | null; waitingOn: string[]; stages: { approvedBy: string | null }[] } | null;
  ticketKey: string | null;
  /** Whether the policy lets the requester extend this grant now (intake's extensions). */
  canExtend?: boolean;
}

/** Why a request ended, in words. */
export const REASONS: Record<string, string> = {
  expired: 'the time was up',
  relinquished: 'you gave it up',
  admin: 'an administrator ended it',
  reconciliation: 'reconciliation found it without a grant',
  deprovisioned: 'the account was deprovisioned',
  application_removed: 'the application left the catalog',
};

/** A status in words. */
export const STATUS_TEXT: Record<RequestView['status'], string> = {
  pending: 'Pending',
  approved: 'Approved',
  denied: 'Denied',
  cancelled: 'Cancelled',
  granted: 'Granted',
  failed: 'Failed',
  revoked: 'Revoked',
};
