/** Injection token of the identity provider port. */
export const IDENTITY_PROVIDER = Symbol('IDENTITY_PROVIDER');

/** A member of a group, as the identity provider lists it. */
export interface GroupMember {
  id: string;
  login: string;
}

/** Group membership in the identity provider. Transient failures throw; rejections throw `VendorRejectedError`. */
export interface IdentityProvider {
  /** The provider's user id of a login, or undefined when there is no such user. */
  findUserId(login: string): Promise<string | undefined>;
  /** Makes the user a member of the group; adding a member again is a no-op. */
  addToGroup(userId: string, groupId: string): Promise<void>;
  /** Ends the membership; removing a non-member (or from a group that is gone) counts as done. */
  removeFromGroup(userId: string, groupId: string): Promise<void>;
  /** Whether the user is a member of the group. */
  isMember(userId: string, groupId: string): Promise<boolean>;
  /** Every member of the group, across all pages. */
  listMembers(groupId: string): Promise<GroupMember[]>;
}
