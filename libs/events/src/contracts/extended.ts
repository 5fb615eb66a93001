import { z } from 'zod';

/** access.extended v1: an active grant now ends later. */
export const ExtendedV1 = z.object({
  by: z.string().min(1),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type ExtendedData = z.infer<typeof ExtendedV1>;
