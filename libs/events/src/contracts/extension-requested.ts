import { z } from 'zod';

/** access.extension_requested v1: the holder of granted access asks for it to last `durationSeconds` longer. */
export const ExtensionRequestedV1 = z.object({
  by: z.string().min(1),
  durationSeconds: z.number().int().positive(),
  justification: z.string().min(1),
});
export type ExtensionRequestedData = z.infer<typeof ExtensionRequestedV1>;
