import { z } from 'zod';

/** access.cancelled v1: the requester withdrew the request before it was granted. */
export const CancelledV1 = z.object({
  by: z.string().min(1),
  reason: z.string().optional(),
});
export type CancelledData = z.infer<typeof CancelledV1>;
