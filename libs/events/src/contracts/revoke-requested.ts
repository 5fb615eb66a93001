import { z } from 'zod';
import { EarlyRevokeReasonSchema } from './revoke-reason.js';

/** access.revoke_requested v1: access must end before its expiry (relinquished, by an admin, or by reconciliation). */
export const RevokeRequestedV1 = z.object({
  reason: EarlyRevokeReasonSchema,
  by: z.string().min(1),
  comment: z.string().optional(),
});
export type RevokeRequestedData = z.infer<typeof RevokeRequestedV1>;
