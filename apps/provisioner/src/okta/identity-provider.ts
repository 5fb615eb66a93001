/** Injection token of the identity provider port. */
export const IDENTITY_PROVIDER = Symbol('IDENTITY_PROVIDER');

/** A member of a group, as the identity provider lists it. */
export interface GroupMember {
  id: string;
  login: string;
}

/** A user as the identity provider knows them, with where they stand in its lifecycle. */
export interface DirectoryUser {
  id: string;
  login: string;
  /** Okta's lifecycle status: `ACTIVE`, `SUSPENDED`, `DEPROVISIONED`, `STAGED`, ... */
  status: string;
}

/**
 * Whether a user may no longer hold access: deactivated (`DEPROVISIONED`) or `SUSPENDED`. A user
 * locked out or whose password expired is still employed, and keeps access.
 */
export function isDeactivated(user: DirectoryUser): boolean {
  return user.status === 'DEPROVISIONED' || user.status === 'SUSPENDED';
}

/** The identity provider refused a call for a reason retrying cannot fix (an unknown group, an invalid membership). */
export class IdentityRejectedError extends Error {
  override name = 'IdentityRejectedError';
}

/** The group does not exist in the identity provider. */
export class GroupNotFoundError extends IdentityRejectedError {
  override name = 'GroupNotFoundError';
}

/** The user does not exist in the identity provider (deleted, or never there). */
export class UserNotFoundError extends IdentityRejectedError {
  override name = 'UserNotFoundError';
}

/** The identity provider could not be reached or kept failing; the caller should try again later. */
export class IdentityUnavailableError extends Error {
  override name = 'IdentityUnavailableError';
}

/**
 * Group membership in the identity provider. Calls fail with `IdentityRejectedError` (or its
 * `GroupNotFoundError`) when retrying cannot help, and with `IdentityUnavailableError` otherwise.
 */
export interface IdentityProvider {
  /** The user with this id or login, whatever their status; undefined when there is no such user (never was, or deleted). */
  findUser(idOrLogin: string): Promise<DirectoryUser | undefined>;
  /** Makes the user a member of the group; adding a member again is a no-op. `UserNotFoundError` or `GroupNotFoundError` when one is gone. */
  addToGroup(userId: string, groupId: string): Promise<void>;
  /** Ends the membership; removing a non-member (or from a group that is gone) counts as done. */
  removeFromGroup(userId: string, groupId: string): Promise<void>;
  /** Whether the user is a member of the group; `GroupNotFoundError` when the group does not exist. */
  isMember(userId: string, groupId: string): Promise<boolean>;
  /** Every member of the group, across all pages; `GroupNotFoundError` when the group does not exist. */
  listMembers(groupId: string): Promise<GroupMember[]>;
}
