import type { People } from './directory/people.js';
import type { FaultRegistry } from './faults/registry.js';
import type { JiraStore } from './jira/store.js';
import type { OktaDirectory } from './okta/directory.js';
import type { AuthorizationCodes } from './okta/authorization-codes.js';
import type { OidcIssuer } from './okta/oidc.js';
import type { RateLimiter } from './okta/rate-limit.js';
import type { SlackWorkspace } from './slack/workspace.js';

/** Credentials the simulator insists on; when unset, any well-formed credential is accepted. */
export interface SimCredentials {
  oktaApiToken?: string;
  jiraEmail?: string;
  jiraApiToken?: string;
  slackToken?: string;
}

/** Everything the vendor routers share: the simulated state and where the simulator is reachable. */
export interface SimContext {
  /** Base URL written into `self` links and the token issuer; fixed once the server listens. */
  baseUrl: string;
  readonly credentials: SimCredentials;
  /** The company's people, shared by the Okta org and the Slack workspace. */
  readonly people: People;
  readonly okta: OktaDirectory;
  readonly oktaRateLimit: RateLimiter;
  readonly oidc: OidcIssuer;
  /** Codes `/oauth2/default/v1/authorize` issued and `/v1/token` has not yet exchanged. */
  readonly authorizationCodes: AuthorizationCodes;
  readonly jira: JiraStore;
  readonly slack: SlackWorkspace;
  readonly faults: FaultRegistry;
}

/** The issuer URL of the simulated Okta authorization server. */
export function issuerOf(ctx: SimContext): string {
  return `${ctx.baseUrl}/oauth2/default`;
}
