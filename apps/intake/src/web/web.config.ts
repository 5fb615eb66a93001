import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { refuseDemoSettings, type BaseConfig } from '@jit/platform';

/** The web app's environment variables (intake serves it; see docs/adr/0006-web-app.md). */
export const webEnv = z.object({
  /** The web app's client id at the IdP; setting it turns the web app on outside local mode. */
  WEB_OIDC_CLIENT_ID: z.string().trim().min(1).optional(),
  /** Its client secret (client_secret_post); without it the client is public and relies on PKCE alone (local mode only). */
  WEB_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Scopes asked for at sign-in. */
  WEB_OIDC_SCOPES: z.string().trim().min(1).default('openid profile email'),
  /** Signs the session cookie; the session itself stays in intake's database. */
  WEB_SESSION_SECRET: z.string().min(1).optional(),
  /** Where people reach the web app (`https://jit.example.com`); the redirect URI is `<this>/auth/callback`. */
  WEB_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  /** The approval and audit services' public APIs, which the web app calls with the person's token. */
  APPROVAL_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  AUDIT_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  /** The built web app (`npm run build:web`). */
  WEB_ASSETS_DIR: z.string().trim().min(1).optional(),
});

type WebValues = z.infer<typeof webEnv> & { JIT_MODE: 'local' | 'production'; OIDC_ISSUER?: string };

/** The web app's settings once resolved: local mode's defaults filled in. */
export interface WebSettings {
  enabled: boolean;
  local: boolean;
  issuer?: string;
  clientId: string;
  clientSecret?: string;
  scopes: string;
  sessionSecret: string;
  /** Undefined in local mode without WEB_PUBLIC_URL: the redirect URI then follows the address the browser used. */
  publicUrl?: string;
  approvalUrl: string;
  auditUrl: string;
  assetsDir: string;
}

/** The repository, whether intake runs from source or compiled (`dist/apps/intake/src/web`, as `npm start` runs it). */
function repositoryRoot(): string {
  return fileURLToPath(new URL('../../../..', import.meta.url))
    .replace(/\/$/, '')
    .replace(/\/dist$/, '');
}

/** Client id `npm start` uses with the simulator, which accepts any client. */
const LOCAL_CLIENT_ID = 'jit-access-web-local';

/**
 * Outside local mode the web app is on only when its client is configured, and then nothing has a
 * default: the client secret, the cookie secret, the public (https) URL and the services it calls
 * must all be set, and no secret may be one the repository ships.
 */
export function webRules(values: WebValues, ctx: z.RefinementCtx): void {
  if (values.JIT_MODE === 'local' || values.WEB_OIDC_CLIENT_ID === undefined) return;
  const required: [keyof WebValues, string][] = [
    ['WEB_OIDC_CLIENT_SECRET', "the web app's client secret at the IdP"],
    ['WEB_SESSION_SECRET', 'a random secret of at least 32 characters that signs the session cookie'],
    ['WEB_PUBLIC_URL', 'the https:// URL people open the web app at'],
    ['APPROVAL_URL', "the approval service's URL"],
    ['AUDIT_URL', "the audit service's URL"],
    ['OIDC_ISSUER', 'the IdP people sign in with'],
  ];
  for (const [name, what] of required) {
    if (values[name] === undefined) {
      ctx.addIssue({ code: 'custom', path: [name], message: `required outside local mode when WEB_OIDC_CLIENT_ID is set: ${what}` });
    }
  }
  if (values.WEB_SESSION_SECRET !== undefined && values.WEB_SESSION_SECRET.length < 32) {
    ctx.addIssue({ code: 'custom', path: ['WEB_SESSION_SECRET'], message: 'is too short: at least 32 characters outside local mode' });
  }
  refuseDemoSettings(values, ctx, { secrets: ['WEB_OIDC_CLIENT_SECRET', 'WEB_SESSION_SECRET'], httpsUrls: ['WEB_PUBLIC_URL'] });
}

/** The web app's settings; in local mode the simulator's client, a session secret of this process and the default ports. */
export function webSettingsOf(config: BaseConfig & z.infer<typeof webEnv>): WebSettings {
  const local = config.JIT_MODE === 'local';
  return {
    enabled: local || config.WEB_OIDC_CLIENT_ID !== undefined,
    local,
    issuer: config.OIDC_ISSUER,
    clientId: config.WEB_OIDC_CLIENT_ID ?? LOCAL_CLIENT_ID,
    clientSecret: config.WEB_OIDC_CLIENT_SECRET,
    scopes: config.WEB_OIDC_SCOPES,
    // Local mode only: sessions signed with it end when this process does, which a developer can live with.
    sessionSecret: config.WEB_SESSION_SECRET ?? randomBytes(32).toString('base64url'),
    publicUrl: config.WEB_PUBLIC_URL?.replace(/\/$/, ''),
    approvalUrl: (config.APPROVAL_URL ?? 'http://127.0.0.1:3001').replace(/\/$/, ''),
    auditUrl: (config.AUDIT_URL ?? 'http://127.0.0.1:3004').replace(/\/$/, ''),
    assetsDir: config.WEB_ASSETS_DIR ?? join(repositoryRoot(), 'apps/web/dist'),
  };
}
