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
export type RequestedData = z.infer<typeof RequestedV1>;
