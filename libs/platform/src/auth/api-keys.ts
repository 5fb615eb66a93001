import { createHash, timingSafeEqual } from 'node:crypto';

/** An API key as stored: its name and the SHA-256 of the secret, never the secret itself. */
export interface StoredApiKey {
  name: string;
  sha256: Buffer;
  /** May act on behalf of anyone (the demo key does). */
  mayActOnBehalf: boolean;
}

/** Hashes a presented key for lookup. */
export function hashApiKey(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Finds the stored key matching a presented secret, comparing hashes in constant time. */
export function matchApiKey(keys: readonly StoredApiKey[], secret: string): StoredApiKey | undefined {
  const presented = hashApiKey(secret);
  return keys.find((key) => timingSafeEqual(key.sha256, presented));
}
