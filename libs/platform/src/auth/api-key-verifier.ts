import { PgListener, type EventLogger } from '@jit/events';
import { UnauthenticatedError } from '../errors.js';
import { hashApiKey, keyRefusal, matchApiKey, type ApiKey, type StaticApiKey } from './api-keys.js';
import type { ApiKeyStore } from './api-key-store.js';

/** At most this many presented secrets are cached; beyond it the cache starts over, so random secrets cannot grow it. */
const MAX_CACHED = 1000;

/** A stored key's last use is written at most this often per key and instance. */
const TOUCH_EVERY_MS = 60_000;

/** Where the verifier finds keys and hears of changes to them. */
export interface ApiKeyVerifierParts {
  store: ApiKeyStore;
  /** Keys from configuration (the local demo key), checked before the store. */
  staticKeys: readonly StaticApiKey[];
  /** How long a looked-up key (or the absence of one) is trusted without a notification. */
  cacheMs: number;
  /** Listens on the channel key changes are announced on; null where no notification can arrive (the cache TTL alone bounds staleness). */
  listen: ((onNotify: () => void) => PgListener) | null;
  logger: EventLogger;
}

interface Cached {
  key: ApiKey | undefined;
  at: number;
}

/**
 * Turns a presented secret into the key it belongs to, or a 401. Stored keys are cached for a few
 * seconds by the SHA-256 of the secret; a change to any key (its NOTIFY on commit) empties the
 * cache, and a lost notification is bounded by the TTL. Revocation and expiry are checked on every
 * call against the caller's clock, never cached as "fine".
 */
export class ApiKeyVerifier {
  private readonly cache = new Map<string, Cached>();
  private readonly touched = new Map<string, number>();
  private readonly listener: PgListener | null;
  /** Bumped by every notification, so a lookup that raced a change is not cached. */
  private generation = 0;

  constructor(private readonly parts: ApiKeyVerifierParts) {
    this.listener =
      parts.listen?.(() => {
        this.generation += 1;
        this.cache.clear();
      }) ?? null;
  }

  /** The key a secret belongs to, if it works at `now`; otherwise an `UnauthenticatedError` saying why. */
  async verify(secret: string, now: Date): Promise<ApiKey> {
    const configured = matchApiKey(this.parts.staticKeys, secret);
    if (configured) return { name: configured.name, scopes: configured.scopes, expiresAt: null, revokedAt: null };
    const key = await this.lookup(secret);
    if (!key) throw new UnauthenticatedError('invalid API key');
    const refusal = keyRefusal(key, now);
    if (refusal) throw new UnauthenticatedError(refusal);
    this.touch(key, now);
    return key;
  }

  /** Stops listening for changes. */
  async close(): Promise<void> {
    await this.listener?.close();
  }

  private async lookup(secret: string): Promise<ApiKey | undefined> {
    // Cached by digest, so no secret sits in memory longer than its request.
    const digest = hashApiKey(secret).toString('hex');
    const cached = this.cache.get(digest);
    if (cached && Date.now() - cached.at < this.parts.cacheMs) return cached.key;
    // Listening again is cheap when already listening, and takes a lost connection up again.
    await this.listener?.listen().catch(() => false);
    const generation = this.generation;
    const key = await this.parts.store.findBySecret(secret);
    if (generation !== this.generation) return key;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(digest, { key, at: Date.now() });
    return key;
  }

  /** Stamps the key's last use, at most once a minute, never delaying or failing the call. */
  private touch(key: ApiKey, now: Date): void {
    if (!key.id) return;
    const last = this.touched.get(key.id);
    if (last !== undefined && now.getTime() - last < TOUCH_EVERY_MS) return;
    this.touched.set(key.id, now.getTime());
    this.parts.store
      .touch(key.id, now)
      .catch((error: unknown) => this.parts.logger.warn({ err: error }, 'could not record an API key use'));
  }
}
