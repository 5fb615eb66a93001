import { z } from 'zod';

/** access.granted v1: the identity provider confirmed the membership; access ends at `expiresAt`. */
export const GrantedV1 = z.object({
  requester: z.string().min(1),
  applicationId: z.string().min(1),
  oktaGroupId: z.string().min(1),
  oktaUserId: z.string().min(1),
  grantedAt: z.iso.datetime({ offset: true }),
  expiresAt: z.iso.datetime({ offset: true }),
  ticketKey: z.string().optional(),
});
export type GrantedData = z.infer<typeof GrantedV1>;
