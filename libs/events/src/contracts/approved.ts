import { z } from 'zod';

/** access.approved v1: one approval step was given; `final` marks the one that lets the grant happen. */
export const ApprovedV1 = z.object({
  stage: z.number().int().nonnegative(),
  approver: z.string().min(1),
  final: z.boolean(),
  comment: z.string().optional(),
});
export type ApprovedData = z.infer<typeof ApprovedV1>;
