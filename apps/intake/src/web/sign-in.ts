import * as oidc from 'openid-client';
import type { WebSettings } from './web.config.js';

/** What a completed sign-in leaves in the session. */
export interface SignedIn {
  login: string;
  name: string | null;
  accessToken: string;
  /** When the IdP's access token expires (ms since the epoch): the session ends with it. */
  expiresAt: number;
}

/** The checks a sign-in carries from the redirect to the callback, kept in the server-side session. */
export interface PendingSignIn {
  codeVerifier: string;
  state: string;
  nonce: string;
  redirectUri: string;
  returnTo: string;
}

/**
 * Sign-in with the IdP: OpenID Connect's authorization code flow with PKCE (S256), state and nonce,
 * through openid-client. The issuer's discovery document is read on first use (the IdP may start
 * after intake) and kept; a failed discovery is tried again on the next sign-in.
 */
export class SignIn {
  private configuration?: Promise<oidc.Configuration>;

  constructor(private readonly settings: WebSettings) {}

  /** Where to send the browser, and the checks to keep until it comes back. */
  async start(redirectUri: string, returnTo: string): Promise<{ url: string; pending: PendingSignIn }> {
    const config = await this.config();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const pending = { codeVerifier, state: oidc.randomState(), nonce: oidc.randomNonce(), redirectUri, returnTo };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.settings.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /** Exchanges the code the IdP sent back, checking state, nonce, PKCE and the ID token. */
  async finish(callbackUrl: URL, pending: PendingSignIn, now: number): Promise<SignedIn> {
    const config = await this.config();
    const tokens = await oidc.authorizationCodeGrant(
      config,
      callbackUrl,
      { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true },
      { redirect_uri: pending.redirectUri },
    );
    const claims = tokens.claims();
    if (!claims || typeof claims.email !== 'string' || claims.email_verified !== true) {
      throw new Error('the IdP did not vouch for an e-mail address (email with email_verified: true in the ID token)');
    }
    return {
      login: claims.email.toLowerCase(),
      name: typeof claims.name === 'string' ? claims.name : null,
      accessToken: tokens.access_token,
      expiresAt: now + (tokens.expiresIn() ?? 3600) * 1000,
    };
  }

  private config(): Promise<oidc.Configuration> {
    const { issuer, clientId, clientSecret, local } = this.settings;
    if (!issuer) return Promise.reject(new Error('no identity provider is configured (OIDC_ISSUER)'));
    this.configuration ??= oidc
      .discovery(new URL(issuer), clientId, undefined, clientSecret ? oidc.ClientSecretPost(clientSecret) : oidc.None(), {
        // The simulator speaks plain HTTP; outside local mode OIDC_ISSUER must be https (refused at start-up otherwise).
        execute: local ? [oidc.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw error;
      });
    return this.configuration;
  }
}
