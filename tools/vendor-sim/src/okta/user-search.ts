import type { OktaUser } from './directory.js';

/** The profile attributes a search can name here; Okta's search takes any attribute, the system only ever asks these. */
const SEARCHABLE = { 'profile.email': (user: OktaUser) => user.person.email, 'profile.login': (user: OktaUser) => user.person.login };

/** One `<attribute> eq "<value>"` term of a search. */
const TERM = /^\s*(profile\.email|profile\.login)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i;

/**
 * The users a `search` expression selects, or undefined for an expression the simulator does not understand (Okta
 * answers those with 400). Understood: one or more `profile.email eq "…"` / `profile.login eq "…"` terms joined by
 * `or`. As Okta documents, property names are case-sensitive while operators and string values are not.
 */
export function searchUsers(users: readonly OktaUser[], search: string): OktaUser[] | undefined {
  const terms = search.split(/\s+or\s+/i).map((term) => TERM.exec(term));
  if (terms.some((term) => term === null || !(term[1] in SEARCHABLE))) return undefined;
  const wanted = (terms as RegExpExecArray[]).map(([, attribute, value]) => ({
    read: SEARCHABLE[attribute as keyof typeof SEARCHABLE],
    value: value.replace(/\\(.)/g, '$1').toLowerCase(),
  }));
  return users.filter((user) => wanted.some(({ read, value }) => read(user).toLowerCase() === value));
}
