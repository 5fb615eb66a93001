import { seedGroups, seedPeople, type SeedGroup, type SeedPerson } from '../seed/directory.js';

/** When the seeded Okta objects were created; fixed so that responses are reproducible. */
export const OKTA_SEED_TIME = '2026-01-05T09:00:00.000Z';

/** The simulated Okta org: seeded users and groups, and the group memberships changed through the API. */
export class OktaDirectory {
  private readonly members = new Map<string, Set<string>>();
  private readonly membershipUpdated = new Map<string, string>();

  /** Every seeded user. */
  users(): SeedPerson[] {
    return Object.values(seedPeople);
  }

  /** Finds a user the way Okta's `GET /users/{id}` does: by id, or by login (here always the e-mail). */
  findUser(idOrLogin: string): SeedPerson | undefined {
    const wanted = idOrLogin.toLowerCase();
    return this.users().find((u) => u.oktaId.toLowerCase() === wanted || u.email.toLowerCase() === wanted);
  }

  /** Finds a group by its id. */
  findGroup(groupId: string): SeedGroup | undefined {
    return Object.values(seedGroups).find((g) => g.id === groupId);
  }

  /** Every seeded group. */
  groups(): SeedGroup[] {
    return Object.values(seedGroups);
  }

  /** Ids of the group's members, in the order they were added. */
  memberIds(groupId: string): string[] {
    return [...(this.members.get(groupId) ?? [])];
  }

  /** Groups the user belongs to. */
  groupsOf(userId: string): SeedGroup[] {
    return this.groups().filter((g) => this.members.get(g.id)?.has(userId));
  }

  /** When the group's membership last changed (Okta's `lastMembershipUpdated`). */
  lastMembershipUpdated(groupId: string): string {
    return this.membershipUpdated.get(groupId) ?? OKTA_SEED_TIME;
  }

  /** Adds a member; adding an existing member is a no-op, as in Okta. */
  addMember(groupId: string, userId: string): void {
    const set = this.members.get(groupId) ?? new Set<string>();
    if (!set.has(userId)) {
      set.add(userId);
      this.members.set(groupId, set);
      this.membershipUpdated.set(groupId, new Date().toISOString());
    }
  }

  /** Removes a member; removing a non-member is a no-op, as in Okta. */
  removeMember(groupId: string, userId: string): void {
    if (this.members.get(groupId)?.delete(userId)) {
      this.membershipUpdated.set(groupId, new Date().toISOString());
    }
  }

  /** Back to the seed: every group empty. */
  reset(): void {
    this.members.clear();
    this.membershipUpdated.clear();
  }
}
