import type { GroupMember } from '../okta/identity-provider.js';

/** A grant that accounts for a user's membership of a group. */
export interface MembershipReason {
  /** Known once the grant is active; a grant still `granting` has only the login. */
  oktaUserId?: string;
  login: string;
}

/** The members no grant accounts for, matched by Okta user id or (case-insensitively) by login. */
export function unexplainedMembers(members: GroupMember[], reasons: MembershipReason[]): GroupMember[] {
  const ids = new Set(reasons.flatMap((reason) => (reason.oktaUserId ? [reason.oktaUserId] : [])));
  const logins = new Set(reasons.map((reason) => reason.login.toLowerCase()));
  return members.filter((member) => !ids.has(member.id) && !logins.has(member.login.toLowerCase()));
}
