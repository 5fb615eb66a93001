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

/**
 * How the grant stands on the membership: `added` by this system (its end removes it, unless
 * another grant still justifies it), or `preexisting`: the person was already a member of a shared
 * group, so the grant added nothing and its end removes nothing.
 */
export const GrantMembershipSchema = z.enum(['added', 'preexisting']);
export type GrantMembership = z.infer<typeof GrantMembershipSchema>;

/** access.granted v2: as v1, saying whether the membership was added or found there before any grant. */
export const GrantedV2 = GrantedV1.extend({ membership: GrantMembershipSchema });
export type GrantedData = z.infer<typeof GrantedV2>;

/** Lifts v1 to v2: before v2 every grant added its membership. */
export function upcastGrantedV1(data: unknown): GrantedData {
  return { ...(data as z.infer<typeof GrantedV1>), membership: 'added' };
}
