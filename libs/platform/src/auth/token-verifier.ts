import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';

/** Verifies the IdP's access tokens against its published keys, issuer and audience. */
export class TokenVerifier {
  private keys?: JWTVerifyGetKey;

  constructor(
    private readonly issuer: string,
    private readonly audience: string,
  ) {}

  /** Returns the login the token speaks for, or throws with the reason it is not acceptable. */
  async verify(token: string): Promise<string> {
    const { payload } = await jwtVerify(token, await this.keySet(), {
      issuer: this.issuer,
      audience: this.audience,
      algorithms: ['RS256'],
    });
    const subject = typeof payload.email === 'string' ? payload.email : payload.sub;
    if (!subject) throw new Error('token has no subject');
    return subject;
  }

  /** The key set is found through the issuer's discovery document, as for any OIDC provider. */
  private async keySet(): Promise<JWTVerifyGetKey> {
    if (this.keys) return this.keys;
    const response = await fetch(`${this.issuer}/.well-known/openid-configuration`);
    if (!response.ok) throw new Error(`issuer discovery failed with ${response.status}`);
    const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: string };
    if (!jwksUri) throw new Error('issuer discovery has no jwks_uri');
    this.keys = createRemoteJWKSet(new URL(jwksUri));
    return this.keys;
  }
}
