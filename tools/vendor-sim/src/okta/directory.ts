import { newOktaId, newSlackId } from '../directory/ids.js';
import type { People, Person } from '../directory/people.js';
import type { SeedGroup } from '../seed/directory.js';
import { lifecycleStep, type LifecycleOperation, type LifecycleStep, type OktaUserStatus } from './user-lifecycle.js';

/** When the seeded Okta objects were created; fixed so that responses are reproducible. */
export const OKTA_SEED_TIME = '2026-01-05T09:00:00.000Z';

/** Okta's lifecycle record of a user: the status and when things last happened to it. */
export interface OktaAccount {
  status: OktaUserStatus;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
}

/** A user of the simulated org: who they are and where they stand in Okta's lifecycle. */
export interface OktaUser {
  readonly person: Person;
  readonly account: OktaAccount;
}

/** A group of the simulated org. */
export interface OktaGroup {
  id: string;
  name: string;
  description: string;
  created: string;
  lastUpdated: string;
}

/** A user to create, as read from `POST /api/v1/users`; the org gives the ids. */
export type NewOktaUser = Omit<Person, 'oktaId' | 'slackId'>;

/** What the simulator starts from and returns to on reset. */
export interface OktaSeed {
  people: readonly Person[];
  groups: readonly SeedGroup[];
}

/** The org's state as `OktaDirectory.snapshot` returns it. */
export interface OktaSnapshot {
  accounts: Map<string, OktaAccount>;
  groups: Map<string, OktaGroup>;
  members: Map<string, Set<string>>;
  membershipUpdated: Map<string, string>;
}

const now = () => new Date().toISOString();

/**
 * The simulated Okta org: users (the seeded ones and those created through the API) with their lifecycle, groups, and
 * group memberships. Deactivating or suspending a user keeps their memberships: Okta retains the group assignments of
 * suspended users (its suspend operation says so) and does not remove deactivated users from groups either (Okta
 * support, "Deactivated Users not Removed From Okta Groups Automatically"). Deleting a user removes them from every group.
 */
export class OktaDirectory {
  private readonly accounts = new Map<string, OktaAccount>();
  private readonly groupsById = new Map<string, OktaGroup>();
  private readonly members = new Map<string, Set<string>>();
  private readonly membershipUpdated = new Map<string, string>();

  constructor(
    private readonly people: People,
    private readonly seed: OktaSeed,
  ) {
    this.reset();
  }

  /** Finds a user the way Okta's `GET /users/{id}` does: by id, or by login. Deleted users are not found. */
  findUser(idOrLogin: string): OktaUser | undefined {
    const person = this.people.findByOktaId(idOrLogin) ?? this.people.findByLogin(idOrLogin);
    return person && this.userOf(person);
  }

  /** Every user the org has (deleted ones are gone), in the order their accounts were created. */
  users(): OktaUser[] {
    return [...this.accounts.keys()].flatMap((oktaId) => {
      const person = this.people.findByOktaId(oktaId);
      const user = person && this.userOf(person);
      return user ? [user] : [];
    });
  }

  /** Finds a user by exact id only, as Okta's membership operations do. */
  findUserById(userId: string): OktaUser | undefined {
    const person = this.people.findByOktaId(userId);
    return person?.oktaId === userId ? this.userOf(person) : undefined;
  }

  /** The person named as the user's manager, if the org knows them. */
  managerOf(person: Person): Person | undefined {
    return person.managerId ? this.people.findByOktaId(person.managerId) : undefined;
  }

  /**
   * Creates a user, ACTIVE at once when `activate` (Okta leaves a user without a password PROVISIONED until they follow
   * the activation e-mail, which nobody can do here, so every simulated user counts as having a password), else STAGED.
   * Logins are unique among the org's users, ignoring case.
   */
  createUser(user: NewOktaUser, activate: boolean): OktaUser | 'login_taken' {
    if (this.findUser(user.login)) return 'login_taken';
    const person: Person = { ...user, oktaId: newOktaId('00u'), slackId: newSlackId() };
    const at = now();
    const account: OktaAccount = {
      status: activate ? 'ACTIVE' : 'STAGED',
      created: at,
      activated: activate ? at : null,
      statusChanged: activate ? at : null,
      lastUpdated: at,
      passwordChanged: at,
    };
    this.people.add(person);
    this.accounts.set(person.oktaId, account);
    return { person, account };
  }

  /** Applies a lifecycle operation if the user's status allows it; says where it took the user or why it was refused. */
  changeStatus(user: OktaUser, operation: LifecycleOperation): LifecycleStep {
    const step = lifecycleStep(user.account.status, operation);
    if ('to' in step) {
      const at = now();
      user.account.status = step.to;
      user.account.statusChanged = at;
      user.account.lastUpdated = at;
      if (operation === 'activate') user.account.activated = at;
    }
    return step;
  }

  /** Okta's delete: a user not yet DEPROVISIONED is only deactivated; a DEPROVISIONED one is deleted for good. */
  deleteUser(user: OktaUser): 'deactivated' | 'deleted' {
    if (user.account.status !== 'DEPROVISIONED') {
      this.changeStatus(user, 'deactivate');
      return 'deactivated';
    }
    this.accounts.delete(user.person.oktaId);
    for (const group of this.groups()) this.removeMember(group.id, user.person.oktaId);
    return 'deleted';
  }

  /** Every group, in the order they were created. */
  groups(): OktaGroup[] {
    return [...this.groupsById.values()];
  }

  /** Finds a group by its id. */
  findGroup(groupId: string): OktaGroup | undefined {
    return this.groupsById.get(groupId);
  }

  /** Creates an `OKTA_GROUP`; group names are unique in an org, ignoring case. */
  createGroup(name: string, description: string): OktaGroup | 'name_taken' {
    if (this.groups().some((g) => g.name.toLowerCase() === name.toLowerCase())) return 'name_taken';
    const at = now();
    const group: OktaGroup = { id: newOktaId('00g'), name, description, created: at, lastUpdated: at };
    this.groupsById.set(group.id, group);
    return group;
  }

  /** Deletes a group and its memberships. */
  deleteGroup(groupId: string): void {
    this.groupsById.delete(groupId);
    this.members.delete(groupId);
    this.membershipUpdated.delete(groupId);
  }

  /** Ids of the group's members, in the order they were added. */
  memberIds(groupId: string): string[] {
    return [...(this.members.get(groupId) ?? [])];
  }

  /** Groups the user belongs to. */
  groupsOf(userId: string): OktaGroup[] {
    return this.groups().filter((g) => this.members.get(g.id)?.has(userId));
  }

  /** When the group's membership last changed (Okta's `lastMembershipUpdated`). */
  lastMembershipUpdated(groupId: string): string {
    return this.membershipUpdated.get(groupId) ?? this.findGroup(groupId)?.created ?? OKTA_SEED_TIME;
  }

  /** Adds a member; adding an existing member is a no-op, as in Okta. */
  addMember(groupId: string, userId: string): void {
    const set = this.members.get(groupId) ?? new Set<string>();
    if (!set.has(userId)) {
      set.add(userId);
      this.members.set(groupId, set);
      this.membershipUpdated.set(groupId, now());
    }
  }

  /** Removes a member; removing a non-member is a no-op, as in Okta. */
  removeMember(groupId: string, userId: string): void {
    if (this.members.get(groupId)?.delete(userId)) {
      this.membershipUpdated.set(groupId, now());
    }
  }

  /** Accounts, groups and memberships, as `restore` takes them back (Maps and Sets: structured-clone data). */
  snapshot(): OktaSnapshot {
    return {
      accounts: new Map(this.accounts),
      groups: new Map(this.groupsById),
      members: new Map([...this.members].map(([groupId, set]) => [groupId, new Set(set)])),
      membershipUpdated: new Map(this.membershipUpdated),
    };
  }

  /** Replaces the org's accounts, groups and memberships with a snapshot's (the people are restored on their own). */
  restore(snapshot: OktaSnapshot): void {
    const pairs: [Map<string, unknown>, Map<string, unknown>][] = [
      [this.accounts, snapshot.accounts],
      [this.groupsById, snapshot.groups],
      [this.members, snapshot.members],
      [this.membershipUpdated, snapshot.membershipUpdated],
    ];
    for (const [target, source] of pairs) {
      target.clear();
      for (const [key, value] of source) target.set(key, value);
    }
  }

  /** Back to the seed: only the seeded users, all ACTIVE; only the seeded groups, all empty. */
  reset(): void {
    this.accounts.clear();
    for (const person of this.seed.people) {
      this.accounts.set(person.oktaId, {
        status: 'ACTIVE',
        created: OKTA_SEED_TIME,
        activated: OKTA_SEED_TIME,
        statusChanged: OKTA_SEED_TIME,
        lastUpdated: OKTA_SEED_TIME,
        passwordChanged: OKTA_SEED_TIME,
      });
    }
    this.groupsById.clear();
    for (const group of this.seed.groups) {
      this.groupsById.set(group.id, { ...group, created: OKTA_SEED_TIME, lastUpdated: OKTA_SEED_TIME });
    }
    this.members.clear();
    this.membershipUpdated.clear();
  }

  private userOf(person: Person): OktaUser | undefined {
    const account = this.accounts.get(person.oktaId);
    return account && { person, account };
  }
}
