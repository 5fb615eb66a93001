import { z } from 'zod';

/** access.expired v1: the grant's time is up; the provisioner must revoke it. */
export const ExpiredV1 = z.object({
  expiresAt: z.iso.datetime({ offset: true }),
});
export type ExpiredData = z.infer<typeof ExpiredV1>;
