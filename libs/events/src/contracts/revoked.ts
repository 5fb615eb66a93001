import { z } from 'zod';
import { RevokeReasonSchema, RevokeReasonV1Schema } from './revoke-reason.js';

/** access.revoked v1: the identity provider confirmed the membership is gone. */
export const RevokedV1 = z.object({
  reason: RevokeReasonV1Schema,
  revokedAt: z.iso.datetime({ offset: true }),
});

/** access.revoked v2: as v1, with the reasons `deprovisioned` and `application_removed`. */
export const RevokedV2 = z.object({
  reason: RevokeReasonSchema,
  revokedAt: z.iso.datetime({ offset: true }),
});
export type RevokedData = z.infer<typeof RevokedV2>;
