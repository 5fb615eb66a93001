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
  /** The person the key acts for, or `apikey:<name>` when it acts as itself. */
  subject: string;
  /** The person named in `On-Behalf-Of`, when the key may act for others and named one. */
  onBehalfOf?: string;
  /** Whether the key may act on behalf of others. */
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
