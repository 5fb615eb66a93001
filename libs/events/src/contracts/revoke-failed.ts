import { z } from 'zod';

/** access.revoke_failed v1: a revocation attempt failed; it will be retried until the provider confirms. */
export const RevokeFailedV1 = z.object({
  reason: z.string().min(1),
  attempt: z.number().int().positive(),
});
export type RevokeFailedData = z.infer<typeof RevokeFailedV1>;
