import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { SimContext, SimCredentials } from './context.js';
import { issuerOf } from './context.js';
import { People } from './directory/people.js';
import { FaultRegistry, type ActiveFault } from './faults/registry.js';
import type { FaultSpec } from './faults/fault-spec.js';
import { requestLog, type RequestLogLine } from './http/request-log.js';
import { jiraRouter } from './jira/routes.js';
import { JiraStore } from './jira/store.js';
import { OktaDirectory } from './okta/directory.js';
import { OidcIssuer, type MintedToken } from './okta/oidc.js';
import { AuthorizationCodes } from './okta/authorization-codes.js';
import { oktaOidcRouter } from './okta/oidc-routes.js';
import { signInRouter } from './okta/sign-in.js';
import { RateLimiter } from './okta/rate-limit.js';
import { oktaManagementRouter } from './okta/routes.js';
import { StateFolder, type LoadOutcome } from './persistence/state-folder.js';
import { seedGroups } from './seed/directory.js';
import { seedDirectory } from './seed/people.js';
import type { SlackMessage, SlackView } from './slack/workspace.js';
import { SlackWorkspace } from './slack/workspace.js';
import { slackRouter } from './slack/routes.js';
import { resetState, simRouter } from './sim/routes.js';

/** Default audience of minted tokens: the JIT Access API. */
export const DEFAULT_AUDIENCE = 'api://jit-access';

/** Generous default Okta budget, so only tests that lower it ever see a 429. */
export const DEFAULT_OKTA_RATE_LIMIT_PER_MINUTE = 600;

/** How to start the simulator. */
export interface VendorSimOptions extends SimCredentials {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** URL clients reach the simulator at, used in `self` links and as token issuer; default `http://<host>:<port>`. */
  publicUrl?: string;
  /** Okta management API requests allowed per minute before 429; default 600. */
  oktaRateLimitPerMinute?: number;
  /** `aud` of minted tokens; default `api://jit-access`. */
  audience?: string;
  /**
   * How many generated people (`user0001@example.com` …, see `generatedPerson`) join the four demo people, in Okta and
   * in Slack alike; default 0.
   */
  generatedPeople?: number;
  /** Receives one line per request. */
  log?: (line: RequestLogLine) => void;
  /**
   * A folder to keep the signing key and the Okta, Jira and Slack state in, across restarts (`npm start` uses
   * `.data/vendor-sim`); unset, everything lives and dies with the process.
   */
  stateDir?: string;
}

/** A running simulator. */
export interface VendorSim {
  /** Base URL, e.g. `http://127.0.0.1:4010`: Okta `orgUrl`, Jira `host`; Slack's `slackApiUrl` is `${url}/api/`. */
  readonly url: string;
  /** Issuer of minted tokens: `${url}/oauth2/default`. */
  readonly issuer: string;
  /** JWKS URL of the issuer. */
  readonly jwksUri: string;
  /** Audience of minted tokens. */
  readonly audience: string;
  /** What the state folder gave at start-up; undefined without one. */
  readonly loaded?: LoadOutcome;
  /** Mints an access token as `POST /_sim/token` does. */
  mintToken(request: { sub: string; scopes?: string[]; expiresIn?: number; emailVerified?: boolean }): Promise<MintedToken>;
  /** Okta user ids currently in a group. */
  groupMembers(groupId: string): string[];
  /**
   * Messages the app sent a member, by e-mail or by member id (`U…`: the e-mail finds the member added last with it),
   * as `GET /_sim/slack/messages` lists them.
   */
  slackMessages(emailOrMemberId: string): SlackMessage[];
  /** The modals the app opened with `views.open`, oldest first. */
  slackViews(): SlackView[];
  /** Injects a fault as `POST /_sim/faults` does (the spec is not re-validated). */
  addFault(spec: FaultSpec): ActiveFault;
  /** Active faults. */
  faults(): ActiveFault[];
  /** Sets Okta's per-minute budget, starting a fresh window, as `PUT /_sim/okta/rate-limit` does. */
  setOktaRateLimit(perMinute: number): void;
  /** Back to the seed state, as `POST /_sim/reset`. */
  reset(): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Starts the Okta, Jira Cloud and Slack simulator on one HTTP server. */
export async function startVendorSim(options: VendorSimOptions = {}): Promise<VendorSim> {
  const seed = seedDirectory(options.generatedPeople ?? 0);
  const people = new People(seed);
  const folder = options.stateDir ? new StateFolder(options.stateDir) : undefined;
  const signingKey = folder?.signingKey();
  const ctx: SimContext = {
    baseUrl: '',
    credentials: {
      oktaApiToken: options.oktaApiToken,
      jiraEmail: options.jiraEmail,
      jiraApiToken: options.jiraApiToken,
      slackToken: options.slackToken,
    },
    people,
    okta: new OktaDirectory(people, { people: seed, groups: Object.values(seedGroups) }),
    oktaRateLimit: new RateLimiter(options.oktaRateLimitPerMinute ?? DEFAULT_OKTA_RATE_LIMIT_PER_MINUTE),
    oidc: await OidcIssuer.create(options.audience ?? DEFAULT_AUDIENCE, signingKey),
    authorizationCodes: new AuthorizationCodes(),
    jira: new JiraStore(),
    slack: new SlackWorkspace(people),
    faults: new FaultRegistry(),
  };

  if (folder && !signingKey) folder.keepSigningKey(ctx.oidc.signingJwk);
  const loaded = folder?.load(ctx);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (options.log) app.use(requestLog(options.log));
  if (folder) {
    // Only calls that may change something are followed by a write; reads never are.
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') res.on('finish', () => folder.saveSoon(ctx));
      next();
    });
  }
  app.use('/api/v1', oktaManagementRouter(ctx));
  app.use('/oauth2/default', oktaOidcRouter(ctx));
  app.use('/oauth2/default', signInRouter(ctx));
  app.use('/rest/api/3', jiraRouter(ctx));
  app.use('/api', slackRouter(ctx));
  app.use('/_sim', simRouter(ctx));

  const host = options.host ?? '127.0.0.1';
  const server = app.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  ctx.baseUrl = (options.publicUrl ?? `http://${urlHost}:${port}`).replace(/\/$/, '');

  return {
    url: ctx.baseUrl,
    issuer: issuerOf(ctx),
    jwksUri: `${issuerOf(ctx)}/v1/keys`,
    audience: ctx.oidc.audience,
    loaded,
    mintToken: (request) => ctx.oidc.mint(issuerOf(ctx), { ...request, user: ctx.okta.findUser(request.sub)?.person }),
    groupMembers: (groupId) => ctx.okta.memberIds(groupId),
    slackMessages: (emailOrMemberId) => {
      const person = ctx.slack.findById(emailOrMemberId) ?? ctx.slack.findByEmail(emailOrMemberId);
      return person ? ctx.slack.messagesIn(ctx.slack.dmChannelOf(person)).map((m) => ({ ...m })) : [];
    },
    slackViews: () => ctx.slack.openedViews(),
    addFault: (spec) => ctx.faults.add(spec),
    faults: () => ctx.faults.list(),
    setOktaRateLimit: (perMinute) => ctx.oktaRateLimit.setLimit(perMinute),
    reset: () => {
      resetState(ctx);
      folder?.save(ctx);
    },
    close: async () => {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
      folder?.save(ctx);
    },
  };
}
