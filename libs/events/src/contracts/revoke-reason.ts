import { z } from 'zod';

/** Why access ended. */
export const RevokeReasonSchema = z.enum(['expired', 'relinquished', 'admin', 'reconciliation']);
export type RevokeReason = z.infer<typeof RevokeReasonSchema>;
