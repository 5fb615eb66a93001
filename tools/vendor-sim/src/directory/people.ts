/** A person of the simulated company: one Okta user and one Slack member, the same human in both. */
export interface Person {
  /** Okta user id (Okta ids are 20 characters, `00u` for users). */
  oktaId: string;
  /** Slack member id (`U` + uppercase alphanumerics; at least nine after the `U`, so the DM id fits Slack's pattern). */
  slackId: string;
  /** Okta login. */
  login: string;
  email: string;
  firstName: string;
  lastName: string;
  title: string | null;
  /** Okta id of the person's manager (Okta's `profile.managerId`). */
  managerId: string | null;
  /** The IANA time zone Slack shows for the member (`users.info` `tz`); the workspace's when unset. */
  timeZone?: string;
  /** Further Okta profile attributes given when the user was created, returned as given. */
  otherProfile: Readonly<Record<string, unknown>>;
}

const key = (value: string) => value.toLowerCase();

/**
 * Everyone the simulated company knows, found the ways Okta (id, login) and Slack (member id, e-mail) find people.
 * A person stays here until the next reset, whatever happens to their Okta user: the Slack workspace is provisioned
 * on its own, so deactivating or deleting someone in Okta leaves their Slack member as it was.
 */
export class People {
  private readonly byOktaId = new Map<string, Person>();
  private readonly byLogin = new Map<string, Person>();
  private readonly byEmail = new Map<string, Person>();
  private readonly bySlackId = new Map<string, Person>();

  constructor(private readonly seed: readonly Person[]) {
    this.reset();
  }

  /** Adds a person; one added later under the same login or e-mail (a re-created Okta user) is the one found by them. */
  add(person: Person): void {
    this.byOktaId.set(key(person.oktaId), person);
    this.byLogin.set(key(person.login), person);
    this.byEmail.set(key(person.email), person);
    this.bySlackId.set(person.slackId, person);
  }

  /** By Okta id, ignoring case as Okta's `GET /users/{id}` does. */
  findByOktaId(oktaId: string): Person | undefined {
    return this.byOktaId.get(key(oktaId));
  }

  /** By Okta login, ignoring case. */
  findByLogin(login: string): Person | undefined {
    return this.byLogin.get(key(login));
  }

  /** By e-mail, ignoring case as Slack matches addresses. */
  findByEmail(email: string): Person | undefined {
    return this.byEmail.get(key(email));
  }

  /** By Slack member id. */
  findBySlackId(slackId: string): Person | undefined {
    return this.bySlackId.get(slackId);
  }

  /** Everyone, in the order they were added (so a restore finds the later of two with one login, as before). */
  snapshot(): Person[] {
    return [...this.byOktaId.values()];
  }

  /** Replaces everyone with a snapshot's people. */
  restore(people: readonly Person[]): void {
    for (const map of [this.byOktaId, this.byLogin, this.byEmail, this.bySlackId]) map.clear();
    for (const person of people) this.add(person);
  }

  /** Back to the seeded people. */
  reset(): void {
    for (const map of [this.byOktaId, this.byLogin, this.byEmail, this.bySlackId]) map.clear();
    for (const person of this.seed) this.add(person);
  }
}
