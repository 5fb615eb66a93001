import { z } from 'zod';

/** access.extension_denied v1: an approver refused an extension; the access keeps its expiry. */
export const ExtensionDeniedV1 = z.object({
  by: z.string().min(1),
  comment: z.string().min(1).optional(),
});
export type ExtensionDeniedData = z.infer<typeof ExtensionDeniedV1>;
