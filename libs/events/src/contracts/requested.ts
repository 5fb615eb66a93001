import { z } from 'zod';

/** The approval a request needs, copied from the catalog at request time so the decision is auditable. */
export const ApprovalPolicySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('auto') }),
  z.object({ kind: z.literal('manager') }),
  z.object({
    kind: z.literal('stages'),
    stages: z
      .array(
        z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('manager') }),
          z.object({ kind: z.literal('owners') }),
          z.object({ kind: z.literal('users'), users: z.array(z.string().min(1)).min(1) }),
        ]),
      )
      .min(1),
  }),
]);

/** A stage as v2 of the snapshot knows it: besides v1's, N of its approvers (`required`) and an escalation target. */
const stageV2Extras = { required: z.number().int().positive().optional(), escalateTo: z.string().min(1).optional() };

/** The approval a request needs, as v2 of `requested` carries it: v1's, each stage optionally N-of-M and escalated. */
export const ApprovalPolicyV2Schema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('auto') }),
  z.object({ kind: z.literal('manager') }),
  z.object({
    kind: z.literal('stages'),
    stages: z
      .array(
        z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('manager'), ...stageV2Extras }),
          z.object({ kind: z.literal('owners'), ...stageV2Extras }),
          z.object({ kind: z.literal('users'), users: z.array(z.string().min(1)).min(1), ...stageV2Extras }),
        ]),
      )
      .min(1),
  }),
]);
export type ApprovalPolicy = z.infer<typeof ApprovalPolicyV2Schema>;

/** A weekly time window in a time zone: on `days` (every day when absent), from `from` until `to` (`HH:MM`, `to` after `from`). */
export const TimeWindowSchema = z.object({
  days: z
    .array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']))
    .min(1)
    .optional(),
  from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  to: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/),
  timeZone: z.string().min(1),
});
export type TimeWindow = z.infer<typeof TimeWindowSchema>;

/**
 * An approval rule: when every condition of `when` holds, `effect` decides the request at once
 * (approve, or deny). Rules are tried in order; the first that holds decides, and its name is
 * recorded in the events it leads to.
 */
export const ApprovalRuleSchema = z.object({
  name: z.string().min(1),
  effect: z.enum(['approve', 'deny']),
  when: z.object({
    requesterInGroup: z.string().min(1).optional(),
    requesterNotInGroup: z.string().min(1).optional(),
    durationAtMostSeconds: z.number().int().positive().optional(),
    within: TimeWindowSchema.optional(),
    outside: TimeWindowSchema.optional(),
  }),
});
export type ApprovalRule = z.infer<typeof ApprovalRuleSchema>;

/** access.requested v1: someone asked for time-bound access to an application. */
export const RequestedV1 = z.object({
  requester: z.string().min(1),
  application: z.object({
    id: z.string().min(1),
    name: z.string().min(1),
    oktaGroupId: z.string().min(1),
    owners: z.array(z.string().min(1)),
    approval: ApprovalPolicySchema,
  }),
  durationSeconds: z.number().int().positive(),
  justification: z.string().min(1),
});

/**
 * access.requested v2: as v1, the application's snapshot may also carry its notice and extension
 * policy: approval rules tried before the stages, stages needing N of their approvers or naming an
 * escalation target, how long a request may wait for approval (`pendingTtlSeconds`; 24 hours
 * without it) and when its approvers are reminded (`reminderAfterSeconds`), how long before the expiry the requester is warned (`preExpiryNoticeSeconds`; without
 * it, 10 minutes), the longest the access may last with its extensions (`maxTotalSeconds`; without
 * it, no extension), how much of that the requester may add without approval
 * (`selfExtensionSeconds`), and the pattern a justification must match with the hint shown for it.
 * Every v1 is a v2.
 */
export const RequestedV2 = RequestedV1.extend({
  application: RequestedV1.shape.application.extend({
    approval: ApprovalPolicyV2Schema,
    rules: z.array(ApprovalRuleSchema).optional(),
    pendingTtlSeconds: z.number().int().positive().optional(),
    reminderAfterSeconds: z.number().int().positive().optional(),
    preExpiryNoticeSeconds: z.number().int().positive().optional(),
    maxTotalSeconds: z.number().int().positive().optional(),
    selfExtensionSeconds: z.number().int().positive().optional(),
    justificationPattern: z.string().min(1).optional(),
    justificationHint: z.string().min(1).optional(),
  }),
});
export type RequestedData = z.infer<typeof RequestedV2>;

/** How long a request waits for approval when the application's snapshot does not say. */
export const DEFAULT_PENDING_TTL_SECONDS = 24 * 3600;

/** How long before the expiry the requester is warned when the application's snapshot does not say. */
export const DEFAULT_PRE_EXPIRY_NOTICE_SECONDS = 600;
