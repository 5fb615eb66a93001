import { z } from 'zod';

/** One stage of an approval as resolved when the request arrived: where its approvers came from, and who they are. */
export const ResolvedStageSchema = z.object({
  source: z.enum(['manager', 'owners', 'users']),
  approvers: z.array(z.string().min(1)),
});
export type ResolvedStage = z.infer<typeof ResolvedStageSchema>;

/**
 * access.approval_opened v1: the approval a request needs, resolved once when it arrived. Stages
 * are decided in order; an empty list means the policy approves on its own. The requester is never
 * among the approvers. An auditor reads here who could have approved each stage.
 */
export const ApprovalOpenedV1 = z.object({
  stages: z.array(ResolvedStageSchema),
});
export type ApprovalOpenedData = z.infer<typeof ApprovalOpenedV1>;
