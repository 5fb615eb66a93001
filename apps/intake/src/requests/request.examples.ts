import type { ExtensionView, RequestView } from './request.view.js';

/** A request as the API shows it: the example of the OpenAPI document. */
export const VIEW_EXAMPLE: RequestView = {
  id: '5b0f9c1e-7d7c-4c1e-9a57-3f1f6c1e2a10',
  requester: 'alice@example.com',
  applicationId: 'aws-prod-console',
  status: 'granted',
  reason: null,
  justification: 'INC-4211: refund stuck in the billing console',
  durationSeconds: 3600,
  createdAt: '2026-01-05T09:00:00.000Z',
  grantedAt: '2026-01-05T09:02:11.000Z',
  expiresAt: '2026-01-05T10:02:11.000Z',
  revokedAt: null,
  revokeRequestedAt: null,
  approval: {
    stages: [{ source: 'manager', approvers: ['bob@example.com'], approvedBy: 'bob@example.com', approvedByAll: ['bob@example.com'] }],
    currentStage: null,
    waitingOn: [],
  },
  ticketKey: 'JIT-42',
  retrying: null,
  canExtend: true,
  extension: null,
};

/** An extension waiting for approval: the example of the OpenAPI document. */
export const EXTENSION_EXAMPLE: ExtensionView = {
  status: 'pending',
  durationSeconds: 1800,
  justification: 'INC-4211: the refund job is still running',
  requestedAt: '2026-01-05T09:55:00.000Z',
  deniedBy: null,
  comment: null,
};
