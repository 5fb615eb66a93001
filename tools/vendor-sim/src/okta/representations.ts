import type { SeedGroup, SeedPerson } from '../seed/directory.js';
import { seedPeople } from '../seed/directory.js';
import { OKTA_SEED_TIME } from './directory.js';

/** Okta's default user type id for the org (every seeded user has it). */
const DEFAULT_USER_TYPE_ID = 'oty1defaultusertype0';

/** A user as `GET /api/v1/users/{id}` and the member lists return it (Okta's `User` schema). */
export function userJson(user: SeedPerson, baseUrl: string): Record<string, unknown> {
  const manager = user.managerKey ? seedPeople[user.managerKey] : undefined;
  const self = `${baseUrl}/api/v1/users/${user.oktaId}`;
  return {
    id: user.oktaId,
    status: 'ACTIVE',
    created: OKTA_SEED_TIME,
    activated: OKTA_SEED_TIME,
    statusChanged: OKTA_SEED_TIME,
    lastLogin: null,
    lastUpdated: OKTA_SEED_TIME,
    passwordChanged: OKTA_SEED_TIME,
    type: { id: DEFAULT_USER_TYPE_ID },
    profile: {
      firstName: user.firstName,
      lastName: user.lastName,
      displayName: `${user.firstName} ${user.lastName}`,
      title: user.title,
      mobilePhone: null,
      secondEmail: null,
      login: user.email,
      email: user.email,
      // Okta's base profile carries the manager both as an id and as a display name.
      managerId: manager?.oktaId ?? null,
      manager: manager ? `${manager.firstName} ${manager.lastName}` : null,
    },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    _links: {
      self: { href: self },
      type: { href: `${baseUrl}/api/v1/meta/types/user/${DEFAULT_USER_TYPE_ID}` },
    },
  };
}

/** A group as `GET /api/v1/groups/{id}` and `GET /api/v1/users/{id}/groups` return it (Okta's `Group` schema). */
export function groupJson(group: SeedGroup, baseUrl: string, lastMembershipUpdated: string): Record<string, unknown> {
  const self = `${baseUrl}/api/v1/groups/${group.id}`;
  return {
    id: group.id,
    created: OKTA_SEED_TIME,
    lastUpdated: OKTA_SEED_TIME,
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
