import { z } from 'zod';
import { EarlyRevokeReasonSchema, RevokeReasonV1Schema } from './revoke-reason.js';

/** access.revoke_requested v1: access must end before its expiry (relinquished, by an admin, or by reconciliation). */
export const RevokeRequestedV1 = z.object({
  reason: RevokeReasonV1Schema.exclude(['expired']),
  by: z.string().min(1),
  comment: z.string().optional(),
});

/** access.revoke_requested v2: as v1, with the reasons `deprovisioned` and `application_removed`. */
export const RevokeRequestedV2 = z.object({
  reason: EarlyRevokeReasonSchema,
  by: z.string().min(1),
  comment: z.string().optional(),
});
export type RevokeRequestedData = z.infer<typeof RevokeRequestedV2>;
