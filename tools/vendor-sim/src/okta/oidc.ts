import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type CryptoKey } from 'jose';
import type { Person } from '../directory/people.js';

/** Path of the simulated custom authorization server, as Okta names its default one. */
export const AUTHORIZATION_SERVER_PATH = '/oauth2/default';

/** Client id written into minted tokens (`cid`), as Okta does for the app that obtained the token. */
const SIM_CLIENT_ID = '0oa1vendorsimclient0';

/** What to put into a minted access token. */
export interface MintRequest {
  sub: string;
  user?: Person;
  scopes?: string[];
  expiresIn?: number;
  /** The `email_verified` claim written next to `email`; true unless a test wants an unverified address. */
  emailVerified?: boolean;
}

/** An access token as Okta's token endpoint returns it. */
export interface MintedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/**
 * An RS256 signing key, published as a JWKS and used to mint Okta-style access tokens: generated at
 * start-up, or the one a persisted simulator kept (so tokens minted before a restart stay valid).
 */
export class OidcIssuer {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
    readonly audience: string,
    /** The private key as a JWK (with its `kid`), for the simulator's state folder. */
    readonly signingJwk: JWK,
  ) {}

  /** Generates a key pair, or takes up `signingJwk` (a private RS256 JWK with its `kid`) when given. */
  static async create(audience: string, signingJwk?: JWK): Promise<OidcIssuer> {
    const privateKey = signingJwk
      ? ((await importJWK(signingJwk, 'RS256', { extractable: true })) as CryptoKey)
      : (await generateKeyPair('RS256', { extractable: true })).privateKey;
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = await exportJWK(privateKey);
    const kid = signingJwk?.kid ?? randomUUID();
    const publicJwk = { ...publicPart, kid, alg: 'RS256', use: 'sig' };
    return new OidcIssuer(privateKey, publicJwk, audience, { ...(await exportJWK(privateKey)), kid, alg: 'RS256' });
  }

  /** The JWKS document served at `/oauth2/default/v1/keys`. */
  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** The OpenID Provider metadata for the issuer, with the fields OIDC Discovery 1.0 requires. */
  discovery(issuer: string): Record<string, unknown> {
    return {
      issuer,
      authorization_endpoint: `${issuer}/v1/authorize`,
      token_endpoint: `${issuer}/v1/token`,
      jwks_uri: `${issuer}/v1/keys`,
      // What the simulator serves: the authorization code flow with PKCE, for confidential and public clients.
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      claims_supported: [
        'iss',
        'sub',
        'aud',
        'iat',
        'exp',
        'jti',
        'uid',
        'email',
        'email_verified',
        'name',
        'preferred_username',
        'nonce',
        'auth_time',
        'amr',
        'scp',
        'cid',
      ],
      code_challenge_methods_supported: ['S256'],
    };
  }

  /**
   * Signs an ID token for a sign-in (OIDC Core 1.0, 2): for the client (`aud`), with the `nonce` the
   * authorize request carried, and the profile claims Okta adds for the `email` and `profile` scopes.
   */
  async mintIdToken(
    issuer: string,
    request: { clientId: string; user: Person; nonce?: string; scopes: string[]; expiresIn?: number },
  ): Promise<string> {
    const { user, scopes } = request;
    return new SignJWT({
      ver: 1,
      ...(request.nonce ? { nonce: request.nonce } : {}),
      auth_time: Math.floor(Date.now() / 1000),
      amr: ['pwd'],
      ...(scopes.includes('email') ? { email: user.email, email_verified: true } : {}),
      ...(scopes.includes('profile') ? { name: `${user.firstName} ${user.lastName}`, preferred_username: user.login } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.publicJwk.kid, typ: 'JWT' })
      .setJti(`ID.${randomUUID()}`)
      .setIssuer(issuer)
      .setAudience(request.clientId)
      .setSubject(user.oktaId)
      .setIssuedAt()
      .setExpirationTime(`${request.expiresIn ?? 3600}s`)
      .sign(this.privateKey);
  }

  /** Signs an access token shaped like Okta's: `sub` is the login, `uid` the Okta user id, `scp` the scopes. */
  async mint(issuer: string, request: MintRequest): Promise<MintedToken> {
    const expiresIn = request.expiresIn ?? 3600;
    const scopes = request.scopes ?? ['openid', 'profile', 'email'];
    const email = request.user?.email ?? (request.sub.includes('@') ? request.sub : undefined);
    const accessToken = await new SignJWT({
      ver: 1,
      cid: SIM_CLIENT_ID,
      scp: scopes,
      ...(request.user ? { uid: request.user.oktaId } : {}),
      // Okta includes these when the authorization server's claims ask for them; JIT Access trusts `email` only when verified.
      ...(email ? { email, email_verified: request.emailVerified ?? true } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.publicJwk.kid, typ: 'JWT' })
      .setJti(`AT.${randomUUID()}`)
      .setIssuer(issuer)
      .setAudience(this.audience)
      .setSubject(request.user?.email ?? request.sub)
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`)
      .sign(this.privateKey);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') };
  }
}
