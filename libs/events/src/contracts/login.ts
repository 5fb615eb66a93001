import { z } from 'zod';

/**
 * The one canonical form of a person's login (an email address): trimmed, Unicode NFC, lower-case.
 * Slack lower-cases emails while tokens, the catalog and Okta keep what was typed, so every edge
 * passes what it receives through here and every comparison is between canonical forms.
 */
export function normaliseLogin(login: string): string {
  return login.normalize('NFC').trim().toLowerCase();
}

/** Whether two logins name the same person. */
export function sameLogin(a: string, b: string): boolean {
  return normaliseLogin(a) === normaliseLogin(b);
}

/**
 * A login as it arrives at an edge (a body, a header, a configuration list), canonicalised on parse.
 * Okta logins are e-mail addresses: anything else names nobody, and is refused at the edge rather
 * than failing later at the grant.
 */
export const LoginSchema = z
  .string()
  .trim()
  .min(1)
  .max(320)
  .transform((login) => normaliseLogin(login))
  .pipe(z.email({ error: 'expected a login: the e-mail address of a person' }));
