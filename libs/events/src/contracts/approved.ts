import { z } from 'zod';

/** access.approved v1: one approval step was given; `final` marks the one that lets the grant happen. */
export const ApprovedV1 = z.object({
  stage: z.number().int().nonnegative(),
  approver: z.string().min(1),
  final: z.boolean(),
  comment: z.string().optional(),
});

/** access.approved v2: as v1, `rule` names the catalog's approval rule that approved the request on its own. Every v1 is a v2. */
export const ApprovedV2 = ApprovedV1.extend({ rule: z.string().min(1).optional() });
export type ApprovedData = z.infer<typeof ApprovedV2>;
