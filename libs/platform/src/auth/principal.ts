import type { Via } from '@jit/events';
import type { Scope } from './scopes.js';

/** A person signed in through the identity provider. */
export interface PersonPrincipal {
  via: 'oidc';
  /** Their login, e.g. `alice@example.com`. */
  subject: string;
}

/** An API key: acting as itself (an operator's tool), or for the person it names when it may. */
export interface ApiKeyPrincipal {
  via: 'api_key';
  /** The key's name. */
  apiKey: string;
  /** What the key may do. */
  scopes: readonly Scope[];
  /** The person the key acts for, or `apikey:<name>` when it acts as itself. */
  subject: string;
  /** The person named in `On-Behalf-Of` (normalised), when the key may act for others and named one. */
  onBehalfOf?: string;
  /** Whether the key may act on behalf of others (it holds `requests:on-behalf`). */
  mayActOnBehalf: boolean;
}

/** Who is calling an API. */
export type Principal = PersonPrincipal | ApiKeyPrincipal;

/** The subject of an API key acting as itself. */
export function apiKeySubject(name: string): string {
  return `apikey:${name}`;
}

/** An API key that names nobody: an operator's tool, never a requester or an approver. */
export function actsAsItself(principal: Principal): principal is ApiKeyPrincipal {
  return principal.via === 'api_key' && principal.onBehalfOf === undefined;
}

/**
 * The credential to record on the events a caller causes, next to the person in `actor`: the API
 * key's name, so the trail says which key acted for whom. A person's own token needs no more.
 */
export function viaOf(principal: Principal): Via | undefined {
  return principal.via === 'api_key' ? { kind: 'api_key', name: principal.apiKey } : undefined;
}
