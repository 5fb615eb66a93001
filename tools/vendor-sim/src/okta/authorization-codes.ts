import { createHash, randomBytes } from 'node:crypto';

/** How long a code may wait for its exchange: Okta's authorization codes are valid for 60 seconds. */
export const AUTHORIZATION_CODE_TTL_MS = 60_000;

/** What a sign-in granted, held until the client exchanges the code at the token endpoint. */
export interface AuthorizationGrant {
  clientId: string;
  redirectUri: string;
  login: string;
  scopes: string[];
  nonce?: string;
  codeChallenge: string;
  expiresAt: number;
}

/** Why a code exchange is refused, in OAuth 2.0's words (RFC 6749, 5.2). */
export interface ExchangeRefusal {
  error: 'invalid_grant' | 'invalid_request';
  description: string;
}

/**
 * The authorization codes issued by `/v1/authorize` and not yet exchanged. A code is good once
 * (RFC 6749, 4.1.2), for the client and redirect URI it was issued to, and only with the PKCE
 * verifier whose S256 hash the authorize request carried (RFC 7636, 4.6).
 */
export class AuthorizationCodes {
  private readonly grants = new Map<string, AuthorizationGrant>();

  /** Issues a code for a sign-in. */
  issue(grant: Omit<AuthorizationGrant, 'expiresAt'>, now = Date.now()): string {
    const code = randomBytes(24).toString('base64url');
    this.grants.set(code, { ...grant, expiresAt: now + AUTHORIZATION_CODE_TTL_MS });
    return code;
  }

  /** Takes a code (it is gone afterwards, whatever the outcome) and checks the exchange against its grant. */
  exchange(
    code: string,
    presented: { clientId: string; redirectUri: string; codeVerifier: string },
    now = Date.now(),
  ): AuthorizationGrant | ExchangeRefusal {
    const grant = this.grants.get(code);
    this.grants.delete(code);
    if (!grant || grant.expiresAt < now)
      return { error: 'invalid_grant', description: 'The authorization code is invalid or has expired.' };
    if (grant.clientId !== presented.clientId) {
      return { error: 'invalid_grant', description: 'The authorization code was issued to another client.' };
    }
    if (grant.redirectUri !== presented.redirectUri) {
      return {
        error: 'invalid_grant',
        description: "The 'redirect_uri' does not match the redirection URI used in the authorization request.",
      };
    }
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(presented.codeVerifier)) {
      return {
        error: 'invalid_request',
        description: "PKCE verification failed: 'code_verifier' must be 43 to 128 unreserved characters.",
      };
    }
    if (s256(presented.codeVerifier) !== grant.codeChallenge) {
      return { error: 'invalid_grant', description: "PKCE verification failed: the 'code_verifier' does not match the 'code_challenge'." };
    }
    return grant;
  }

  /** Forgets every code, as a reset does. */
  clear(): void {
    this.grants.clear();
  }
}

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)) (RFC 7636, 4.2). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
