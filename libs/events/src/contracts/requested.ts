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
export type ApprovalPolicy = z.infer<typeof ApprovalPolicySchema>;

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
 * policy: how long before the expiry the requester is warned (`preExpiryNoticeSeconds`; without
 * it, 10 minutes), the longest the access may last with its extensions (`maxTotalSeconds`; without
 * it, no extension), how much of that the requester may add without approval
 * (`selfExtensionSeconds`), and the pattern a justification must match with the hint shown for it.
 * Every v1 is a v2.
 */
export const RequestedV2 = RequestedV1.extend({
  application: RequestedV1.shape.application.extend({
    preExpiryNoticeSeconds: z.number().int().positive().optional(),
    maxTotalSeconds: z.number().int().positive().optional(),
    selfExtensionSeconds: z.number().int().positive().optional(),
    justificationPattern: z.string().min(1).optional(),
    justificationHint: z.string().min(1).optional(),
  }),
});
export type RequestedData = z.infer<typeof RequestedV2>;

/** How long before the expiry the requester is warned when the application's snapshot does not say. */
export const DEFAULT_PRE_EXPIRY_NOTICE_SECONDS = 600;
