import { z } from 'zod';

/** access.revoke_failed v1: a revocation attempt failed; it will be retried until the provider confirms. */
export const RevokeFailedV1 = z.object({
  reason: z.string().min(1),
  attempt: z.number().int().positive(),
});

/** access.revoke_failed v2: v1 and when the next attempt is due (absent in events published as v1). */
export const RevokeFailedV2 = RevokeFailedV1.extend({
  nextAttemptAt: z.iso.datetime({ offset: true }).optional(),
});
export type RevokeFailedData = z.infer<typeof RevokeFailedV2>;
