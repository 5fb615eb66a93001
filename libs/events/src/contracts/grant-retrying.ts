import { z } from 'zod';

/**
 * access.grant_retrying v1: an attempt to make a grant failed in a way retrying may fix (Okta down or
 * throttling, say); the provisioner tries again at `nextAttemptAt`, and no later than the grant's
 * deadline, when it rolls the grant back and publishes `grant_failed`.
 */
export const GrantRetryingV1 = z.object({
  reason: z.string().min(1),
  attempt: z.number().int().positive(),
  nextAttemptAt: z.iso.datetime({ offset: true }),
});
export type GrantRetryingData = z.infer<typeof GrantRetryingV1>;
