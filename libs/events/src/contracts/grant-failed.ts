import { z } from 'zod';

/** access.grant_failed v1: the grant could not be made; nothing was left behind. */
export const GrantFailedV1 = z.object({
  reason: z.string().min(1),
});
export type GrantFailedData = z.infer<typeof GrantFailedV1>;
