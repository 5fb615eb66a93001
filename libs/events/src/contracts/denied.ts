import { z } from 'zod';

/**
 * access.denied v1: an approver (or policy) refused the request. Superseded by v2: v1 carried an
 * approver's comment in `reason` and never set `comment`.
 */
export const DeniedV1 = z.object({
  by: z.string().min(1),
  reason: z.string().min(1),
  comment: z.string().optional(),
});
export type DeniedDataV1 = z.infer<typeof DeniedV1>;

/** Why a request was denied, in the system's words; what a person said is in `comment`. */
export const DenyReasonSchema = z.enum(['denied_by_approver', 'no_eligible_approver']);

/** Why a request was denied, as v3 knows it: besides v2's, no decision before the pending TTL, or a catalog rule. */
export const DenyReasonV3Schema = z.enum([...DenyReasonSchema.options, 'approval_timeout', 'rule']);
export type DenyReason = z.infer<typeof DenyReasonV3Schema>;

/** access.denied v2: an approver or the policy refused the request; `comment` is the approver's own words. */
export const DeniedV2 = z.object({
  by: z.string().min(1),
  reason: DenyReasonSchema,
  comment: z.string().min(1).optional(),
});

/** access.denied v3: as v2, with the reasons `approval_timeout` and `rule`, and the `rule` that denied. Every v2 is a v3. */
export const DeniedV3 = z.object({
  by: z.string().min(1),
  reason: DenyReasonV3Schema,
  comment: z.string().min(1).optional(),
  rule: z.string().min(1).optional(),
});
export type DeniedData = z.infer<typeof DeniedV3>;

/** What v1 wrote for a policy denial and for an approver who gave no reason. */
const V1_NO_ELIGIBLE_APPROVER = 'no eligible approver';
const V1_NO_COMMENT = 'denied by approver';

/** Lifts v1 to v2: a v1 `reason` other than the two fixed texts was the approver's comment. */
export function upcastDeniedV1(data: unknown): z.infer<typeof DeniedV2> {
  const v1 = data as DeniedDataV1;
  if (v1.reason === V1_NO_ELIGIBLE_APPROVER) return { by: v1.by, reason: 'no_eligible_approver' };
  const comment = v1.comment ?? (v1.reason === V1_NO_COMMENT ? undefined : v1.reason);
  return { by: v1.by, reason: 'denied_by_approver', ...(comment ? { comment } : {}) };
}
