import { z } from 'zod';
import { RevokeReasonSchema } from './revoke-reason.js';

/** access.revoked v1: the identity provider confirmed the membership is gone. */
export const RevokedV1 = z.object({
  reason: RevokeReasonSchema,
  revokedAt: z.iso.datetime({ offset: true }),
});
export type RevokedData = z.infer<typeof RevokedV1>;
