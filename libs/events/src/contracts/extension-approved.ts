import { z } from 'zod';

/**
 * access.extension_approved v1: an extension may be applied. `by` is the approver, or the policy
 * (`policy:self-extension`) when the application lets the requester extend up to a limit alone.
 */
export const ExtensionApprovedV1 = z.object({
  by: z.string().min(1),
  durationSeconds: z.number().int().positive(),
  comment: z.string().min(1).optional(),
});
export type ExtensionApprovedData = z.infer<typeof ExtensionApprovedV1>;
