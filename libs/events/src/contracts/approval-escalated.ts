import { z } from 'zod';

/**
 * access.approval_escalated v1: a pending request's reminder fired and the stage's escalation
 * target was added as one of its approvers.
 */
export const ApprovalEscalatedV1 = z.object({
  stage: z.number().int().nonnegative(),
  approver: z.string().min(1),
});
export type ApprovalEscalatedData = z.infer<typeof ApprovalEscalatedV1>;
