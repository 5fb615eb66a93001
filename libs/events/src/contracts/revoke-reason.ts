import { z } from 'zod';

/** Why access ended, as v1 of `revoked` and `revoke_requested` knew it. Frozen: published versions never change. */
export const RevokeReasonV1Schema = z.enum(['expired', 'relinquished', 'admin', 'reconciliation']);

/**
 * Why access ended: the one list of revoke reasons. Besides v1's: `deprovisioned` (the person was
 * deactivated, suspended or deleted in the directory) and `application_removed` (the application
 * left the catalog).
 */
export const RevokeReasonSchema = z.enum([...RevokeReasonV1Schema.options, 'deprovisioned', 'application_removed']);
export type RevokeReason = z.infer<typeof RevokeReasonSchema>;

/** Why access is asked to end before its expiry: every revoke reason but `expired`. */
export const EarlyRevokeReasonSchema = RevokeReasonSchema.exclude(['expired']);
export type EarlyRevokeReason = z.infer<typeof EarlyRevokeReasonSchema>;

/** Why a request was closed before access existed, in the system's words (`cancelled.reason`); a person's cancel gives none. */
export const CloseReasonSchema = z.enum(['requester_deactivated', 'application_removed']);
export type CloseReason = z.infer<typeof CloseReasonSchema>;
