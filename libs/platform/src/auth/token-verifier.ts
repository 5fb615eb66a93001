import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { normaliseLogin } from '@jit/events';
import type { SubjectDirectory } from './subject-directory.js';

/** Why a token is not accepted; the guard answers 401 with the message, which never includes the token. */
export class TokenRejectedError extends Error {
  override name = 'TokenRejectedError';
}

/**
 * Verifies the IdP's access tokens against its published keys, issuer and audience, and says whose
 * they are: the canonical login from a verified `email`, else the directory's login for `sub`.
 */
export class TokenVerifier {
  private keys?: JWTVerifyGetKey;

  constructor(
    private readonly issuer: string,
    private readonly audience: string,
    private readonly directory?: SubjectDirectory,
  ) {}

  /** Returns the login the token speaks for, or throws with the reason it is not acceptable. */
  async verify(token: string): Promise<string> {
    const { payload } = await jwtVerify(token, await this.keySet(), {
      issuer: this.issuer,
      audience: this.audience,
      algorithms: ['RS256'],
      // A token without `exp` would be valid forever: one leak, permanent access.
      requiredClaims: ['exp'],
    });
    return normaliseLogin(await this.loginOf(payload));
  }

  private async loginOf(payload: JWTPayload): Promise<string> {
    // Anyone can put any address in a profile; only one the IdP has verified names a person.
    if (payload.email_verified === true && typeof payload.email === 'string' && payload.email.trim()) return payload.email;
    if (!payload.sub) throw new TokenRejectedError('token has no subject');
    if (!this.directory) {
      throw new TokenRejectedError('the token has no verified email (email_verified) and this service has no directory to map its subject');
    }
    const login = await this.directory.loginOf(payload.sub);
    if (!login) throw new TokenRejectedError("the directory knows no person with the token's subject");
    return login;
  }

  /**
   * The key set is found through the issuer's discovery document, as for any OIDC provider. The
   * document must name the configured issuer (OIDC Discovery 1.0, section 4.3): a document that
   * names another is not that issuer's, and its keys prove nothing.
   */
  private async keySet(): Promise<JWTVerifyGetKey> {
    if (this.keys) return this.keys;
    const response = await fetch(`${this.issuer}/.well-known/openid-configuration`);
    if (!response.ok) throw new TokenRejectedError(`issuer discovery failed with ${response.status}`);
    const discovery = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (discovery.issuer !== this.issuer) throw new TokenRejectedError('the discovery document names another issuer than OIDC_ISSUER');
    if (typeof discovery.jwks_uri !== 'string') throw new TokenRejectedError('issuer discovery has no jwks_uri');
    const jwksUri = new URL(discovery.jwks_uri);
    // Keys fetched over plain HTTP from an https issuer could be swapped on the way.
    if (this.issuer.startsWith('https:') && jwksUri.protocol !== 'https:') {
      throw new TokenRejectedError('the jwks_uri of an https issuer must be https');
    }
    this.keys = createRemoteJWKSet(jwksUri);
    return this.keys;
  }
}
