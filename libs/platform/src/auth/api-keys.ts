import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Scope } from './scopes.js';

/**
 * Every issued secret starts with this, so secret scanners (GitHub's, gitleaks) can be taught to
 * find a leaked one, and a guard can turn away anything else without a database read.
 */
export const API_KEY_PREFIX = 'jit_';

/** How many characters of a secret are kept in clear to tell keys apart in listings (the prefix and 8 more). */
const SHOWN_CHARACTERS = API_KEY_PREFIX.length + 8;

/** An API key as the guard needs it: who it is, what it may do, and whether it still works. */
export interface ApiKey {
  /** The stored key's id; none for the local demo key, which lives only in configuration. */
  id?: string;
  name: string;
  scopes: readonly Scope[];
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** A key configured in the environment (the local demo key): its name, scopes and the SHA-256 of its secret. */
export interface StaticApiKey {
  name: string;
  sha256: Buffer;
  scopes: readonly Scope[];
}

/**
 * A new secret: the prefix and 32 random bytes (256 bits), so a plain SHA-256 is a safe way to
 * store it (no dictionary to try, unlike a password) and can be looked up by equality.
 */
export function generateApiKeySecret(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Hashes a presented key for lookup. */
export function hashApiKey(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** The part of a secret that may be shown in listings to tell keys apart; far too short to guess the rest. */
export function shownPartOf(secret: string): string {
  return secret.slice(0, SHOWN_CHARACTERS);
}

/** Finds the configured key matching a presented secret, comparing hashes in constant time. */
export function matchApiKey<K extends { sha256: Buffer }>(keys: readonly K[], secret: string): K | undefined {
  const presented = hashApiKey(secret);
  return keys.find((key) => timingSafeEqual(key.sha256, presented));
}

/**
 * Why a known key no longer works at `now`, or undefined when it does. Revocation takes effect
 * whatever its timestamp says: another machine's clock may run ahead of this one.
 */
export function keyRefusal(key: ApiKey, now: Date): string | undefined {
  if (key.revokedAt) return `API key "${key.name}" was revoked at ${key.revokedAt.toISOString()}`;
  if (key.expiresAt && key.expiresAt <= now) return `API key "${key.name}" expired at ${key.expiresAt.toISOString()}`;
  return undefined;
}
