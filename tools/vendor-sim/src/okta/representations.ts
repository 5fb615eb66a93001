import type { Person } from '../directory/people.js';
import type { OktaGroup, OktaUser } from './directory.js';

/** Okta's default user type id for the org (every simulated user has it). */
const DEFAULT_USER_TYPE_ID = 'oty1defaultusertype0';

/** A user as `GET /api/v1/users/{id}`, `POST /api/v1/users` and the member lists return it (Okta's `User` schema). */
export function userJson({ person, account }: OktaUser, manager: Person | undefined, baseUrl: string): Record<string, unknown> {
  const self = `${baseUrl}/api/v1/users/${person.oktaId}`;
  return {
    id: person.oktaId,
    status: account.status,
    created: account.created,
    activated: account.activated,
    statusChanged: account.statusChanged,
    lastLogin: null,
    lastUpdated: account.lastUpdated,
    passwordChanged: account.passwordChanged,
    type: { id: DEFAULT_USER_TYPE_ID },
    profile: {
      firstName: person.firstName,
      lastName: person.lastName,
      displayName: `${person.firstName} ${person.lastName}`,
      title: person.title,
      mobilePhone: null,
      secondEmail: null,
      login: person.login,
      email: person.email,
      // Okta's base profile carries the manager both as an id and as a display name.
      managerId: person.managerId,
      manager: manager ? `${manager.firstName} ${manager.lastName}` : null,
      ...person.otherProfile,
    },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    _links: {
      self: { href: self },
      type: { href: `${baseUrl}/api/v1/meta/types/user/${DEFAULT_USER_TYPE_ID}` },
    },
  };
}

/** A group as the group operations and `GET /api/v1/users/{id}/groups` return it (Okta's `Group` schema). */
export function groupJson(group: OktaGroup, baseUrl: string, lastMembershipUpdated: string): Record<string, unknown> {
  const self = `${baseUrl}/api/v1/groups/${group.id}`;
  return {
    id: group.id,
    created: group.created,
    lastUpdated: group.lastUpdated,
    lastMembershipUpdated,
    objectClass: ['okta:user_group'],
    type: 'OKTA_GROUP',
    profile: { name: group.name, description: group.description },
    _links: {
      logo: [
        { name: 'medium', href: `${baseUrl}/assets/img/logos/groups/okta-medium.png`, type: 'image/png' },
        { name: 'large', href: `${baseUrl}/assets/img/logos/groups/okta-large.png`, type: 'image/png' },
      ],
      users: { href: `${self}/users` },
      apps: { href: `${self}/apps` },
    },
  };
}
