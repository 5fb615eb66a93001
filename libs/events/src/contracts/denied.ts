import { z } from 'zod';

/** access.denied v1: an approver (or policy) refused the request. */
export const DeniedV1 = z.object({
  by: z.string().min(1),
  reason: z.string().min(1),
  comment: z.string().optional(),
});
export type DeniedData = z.infer<typeof DeniedV1>;
