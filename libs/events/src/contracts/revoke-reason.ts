import { z } from 'zod';

/** Why access ended: the one list of revoke reasons. */
export const RevokeReasonSchema = z.enum(['expired', 'relinquished', 'admin', 'reconciliation']);
export type RevokeReason = z.infer<typeof RevokeReasonSchema>;

/** Why access is asked to end before its expiry: every revoke reason but `expired`. */
export const EarlyRevokeReasonSchema = RevokeReasonSchema.exclude(['expired']);
export type EarlyRevokeReason = z.infer<typeof EarlyRevokeReasonSchema>;
