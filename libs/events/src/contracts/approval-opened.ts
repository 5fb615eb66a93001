import { z } from 'zod';

/** One stage of an approval as resolved when the request arrived: where its approvers came from, and who they are. */
export const ResolvedStageSchema = z.object({
  source: z.enum(['manager', 'owners', 'users']),
  approvers: z.array(z.string().min(1)),
});

/**
 * One stage as v2 resolves it: besides v1's, how many of its approvers must approve (`required`,
 * one when absent), and who is added as an approver when the pending request's reminder fires.
 */
export const ResolvedStageV2Schema = ResolvedStageSchema.extend({
  required: z.number().int().positive().optional(),
  escalateTo: z.string().min(1).optional(),
});
export type ResolvedStage = z.infer<typeof ResolvedStageV2Schema>;

/**
 * access.approval_opened v1: the approval a request needs, resolved once when it arrived. Stages
 * are decided in order; an empty list means the policy approves on its own. The requester is never
 * among the approvers. An auditor reads here who could have approved each stage.
 */
export const ApprovalOpenedV1 = z.object({
  stages: z.array(ResolvedStageSchema),
});

/**
 * access.approval_opened v2: as v1, each stage may need N of its approvers and name an escalation
 * target, and `rule` names the approval rule of the catalog that decided the request at once (the
 * `approved` or `denied` that follows says the same). Every v1 is a v2.
 */
export const ApprovalOpenedV2 = z.object({
  stages: z.array(ResolvedStageV2Schema),
  rule: z.string().min(1).optional(),
});
export type ApprovalOpenedData = z.infer<typeof ApprovalOpenedV2>;
