import type { Person } from '../directory/people.js';
import { seedPeople, type SeedPerson } from './directory.js';

/** Most generated people a simulator accepts; enough for any benchmark, few enough to stay cheap to reset. */
export const MAX_GENERATED_PEOPLE = 100_000;

function fromSeed(person: SeedPerson): Person {
  return {
    oktaId: person.oktaId,
    slackId: person.slackId,
    login: person.email,
    email: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    title: person.title,
    managerId: person.managerKey ? seedPeople[person.managerKey].oktaId : null,
    timeZone: person.timeZone,
    otherProfile: {},
  };
}

/**
 * The n-th generated person (n from 1): `user0001@example.com`, named `User 0001`, managed by bob. Ids are derived
 * from n, so every simulator seeded with the same count has the same people.
 */
export function generatedPerson(n: number): Person {
  if (!Number.isInteger(n) || n < 1 || n > MAX_GENERATED_PEOPLE) {
    throw new RangeError(`generated people are numbered 1 to ${MAX_GENERATED_PEOPLE}, not ${n}`);
  }
  const number = String(n).padStart(4, '0');
  const email = `user${number}@example.com`;
  return {
    oktaId: `00u2user${String(n).padStart(12, '0')}`,
    slackId: `U2${String(n).padStart(9, '0')}`,
    login: email,
    email,
    firstName: 'User',
    lastName: number,
    title: 'Software Engineer',
    managerId: seedPeople.bob.oktaId,
    otherProfile: {},
  };
}

/** The people a simulator starts with: the four demo people, then `generated` generated ones. */
export function seedDirectory(generated: number): Person[] {
  if (!Number.isInteger(generated) || generated < 0 || generated > MAX_GENERATED_PEOPLE) {
    throw new RangeError(`the number of generated people must be a whole number from 0 to ${MAX_GENERATED_PEOPLE}, not ${generated}`);
  }
  return [...Object.values(seedPeople).map(fromSeed), ...Array.from({ length: generated }, (_, i) => generatedPerson(i + 1))];
}
