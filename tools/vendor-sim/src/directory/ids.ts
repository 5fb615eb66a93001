import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const UPPER36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function randomText(alphabet: string, length: number): string {
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/**
 * A fresh Okta object id: the type prefix (`00u` users, `00g` groups) and 17 random letters and digits, 20 characters
 * in all as Okta's are. Random rather than counted, so that ids never repeat across resets of one simulator.
 */
export function newOktaId(prefix: '00u' | '00g'): string {
  return `${prefix}${randomText(BASE62, 17)}`;
}

/** A fresh Slack member id: `U` and ten uppercase letters and digits. */
export function newSlackId(): string {
  return `U${randomText(UPPER36, 10)}`;
}
