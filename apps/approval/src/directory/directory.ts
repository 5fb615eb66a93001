/** Who manages whom and who is who, as the identity provider knows it. Also the Nest injection token of the port. */
export abstract class Directory {
  /** The login of the manager of the person with `login`; undefined when they have none or are unknown. */
  abstract managerOf(login: string): Promise<string | undefined>;
  /** Whether the person with `login` is an active user (not deactivated, suspended or deleted). */
  abstract isActive(login: string): Promise<boolean>;
  /** The ids of the groups the person with `login` is a member of (none for someone unknown). */
  abstract groupsOf(login: string): Promise<string[]>;
  /** The canonical logins of the people whose e-mail is `email` (ignoring case), deactivated accounts left out. */
  abstract loginsWithEmail(email: string): Promise<string[]>;
}

/** The directory could not be reached or kept failing; the caller should try again later. */
export class DirectoryUnavailableError extends Error {
  override name = 'DirectoryUnavailableError';
}
