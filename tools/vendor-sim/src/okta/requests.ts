import type { NewOktaUser } from './directory.js';
import type { FieldCause } from './errors.js';

type Json = Record<string, unknown>;

/** A `POST /api/v1/users` body read into the user to create and the groups to put them in, or Okta's causes for refusing it. */
export type NewUserReading = { user: NewOktaUser; groupIds: string[] } | { causes: FieldCause[] };

/** A `POST /api/v1/groups` body read into the group to create, or Okta's causes for refusing it. */
export type NewGroupReading = { name: string; description: string } | { causes: FieldCause[] };

/** Okta's default login pattern, which also checks `email`: an e-mail address. */
const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Limits from Okta's `UserProfile` and `OktaUserGroupProfile` schemas. */
const MAX_NAME = 50;
const MAX_LOGIN = 100;
const MAX_GROUP_NAME = 255;

const BLANK = 'The field cannot be left blank';

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** Reads the profile attributes the simulator uses; every other attribute is kept and returned as given. */
export function readNewUser(body: Json): NewUserReading {
  const profile = isObject(body.profile) ? body.profile : {};
  const { login, email, firstName, lastName, title = null, managerId = null, ...otherProfile } = profile;
  const causes: FieldCause[] = [];
  for (const [field, value] of Object.entries({ firstName, lastName })) {
    if (!isText(value)) causes.push({ field, message: BLANK });
    else if (value.length > MAX_NAME) causes.push({ field, message: `size must be between 1 and ${MAX_NAME}` });
  }
  if (!isText(email)) causes.push({ field: 'email', message: BLANK });
  else if (!EMAIL_ADDRESS.test(email) || email.length > MAX_LOGIN)
    causes.push({ field: 'email', message: 'Does not match required pattern' });
  if (!isText(login)) causes.push({ field: 'login', message: BLANK });
  else if (!EMAIL_ADDRESS.test(login) || login.length > MAX_LOGIN) {
    causes.push({ field: 'login', message: 'Username must be in the form of an email address' });
  }
  for (const [field, value] of Object.entries({ title, managerId })) {
    if (value !== null && typeof value !== 'string') causes.push({ field, message: 'Does not match required type' });
  }
  const groupIds = body.groupIds ?? [];
  if (!Array.isArray(groupIds) || !groupIds.every(isText)) causes.push({ field: 'groupIds', message: 'Does not match required type' });
  if (causes.length > 0) return { causes };
  return {
    user: {
      login: login as string,
      email: email as string,
      firstName: firstName as string,
      lastName: lastName as string,
      title: title as string | null,
      managerId: managerId as string | null,
      otherProfile,
    },
    groupIds: groupIds as string[],
  };
}

/** Reads `profile.name` (required) and `profile.description`. */
export function readNewGroup(body: Json): NewGroupReading {
  const profile = isObject(body.profile) ? body.profile : {};
  const { name, description = '' } = profile;
  const causes: FieldCause[] = [];
  if (!isText(name)) causes.push({ field: 'name', message: BLANK });
  else if (name.length > MAX_GROUP_NAME) causes.push({ field: 'name', message: `size must be between 1 and ${MAX_GROUP_NAME}` });
  if (typeof description !== 'string') causes.push({ field: 'description', message: 'Does not match required type' });
  if (causes.length > 0) return { causes };
  return { name: name as string, description: description as string };
}
