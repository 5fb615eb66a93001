import { z } from 'zod';

/** access.revoke_requested v1: access must end before its expiry (relinquished, by an admin, or by reconciliation). */
export const RevokeRequestedV1 = z.object({
  reason: z.enum(['relinquished', 'admin', 'reconciliation']),
  by: z.string().min(1),
  comment: z.string().optional(),
});
export type RevokeRequestedData = z.infer<typeof RevokeRequestedV1>;
