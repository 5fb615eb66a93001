import { z } from 'zod';
import { DEMO_CATALOG_FILE, demoCatalogRule } from '@jit/catalog';
import { refuseDemoSettings, type BaseConfig, type ConfigRules } from '@jit/platform';

const TOKEN_REQUIRED = 'required: an Okta API token (SSWS) with read access to users';
const SIGNING_SECRET_REQUIRED = "required when SLACK_BOT_TOKEN is set (the Slack app's signing secret)";

/** The approval service's own settings: where the directory (Okta) and the chat (Slack) are. */
export const approvalEnvSchema = z.object({
  /** The application catalog, for the policy dry run (requests carry their own snapshot of it). */
  CATALOG_FILE: z.string().trim().min(1, 'expected the path of the catalog file').default(DEMO_CATALOG_FILE),
  OKTA_ORG_URL: z.url({ protocol: /^https?$/, error: 'expected the Okta org URL, e.g. https://acme.okta.com' }),
  OKTA_API_TOKEN: z.string({ error: TOKEN_REQUIRED }).min(1, TOKEN_REQUIRED),
  /** Bot token (xoxb-…); without it the service runs without Slack. */
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  /** Proves that requests to `POST /slack/events` come from Slack; required with SLACK_BOT_TOKEN. */
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_API_URL: z
    .url({ protocol: /^https?$/, error: 'expected the Slack Web API base URL, e.g. https://slack.com/api/' })
    .default('https://slack.com/api/'),
  /** How often the notification outbox is drained; also the first retry delay. */
  SLACK_NOTIFY_TICK_MS: z.coerce.number().int().positive().default(1000),
  /** How often due reminders are looked for: pending requests' reminders and TTLs, pre-expiry notices. */
  REMINDER_TICK_MS: z.coerce.number().int().positive().default(1000),
});

/** Rules between the approval service's variables, checked with the schema at start-up. */
export const approvalConfigRules: ConfigRules<typeof approvalEnvSchema> = (values, ctx) => {
  // Slack without its signing secret would post approval questions whose buttons could never be verified.
  if (values.SLACK_BOT_TOKEN && !values.SLACK_SIGNING_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: SIGNING_SECRET_REQUIRED });
  }
  demoCatalogRule(values, ctx);
  // A shipped signing secret lets anyone forge Slack clicks in any approver's name.
  refuseDemoSettings(values, ctx, {
    secrets: ['OKTA_API_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'],
    httpsUrls: ['OKTA_ORG_URL', 'SLACK_API_URL'],
  });
};

/** The approval service's validated configuration. */
export type ApprovalConfig = BaseConfig & z.infer<typeof approvalEnvSchema>;

/** The Nest injection token of the `SlackSettings` (null without Slack). */
export const SLACK_SETTINGS = Symbol('SLACK_SETTINGS');

/** How to reach Slack, when it is configured. */
export interface SlackSettings {
  token: string;
  signingSecret: string;
  apiUrl: string;
}

/** The Slack settings of a validated configuration, or undefined to run without Slack. */
export function slackSettingsOf(config: ApprovalConfig): SlackSettings | undefined {
  // The rules above make the token and the secret come together.
  if (!config.SLACK_BOT_TOKEN || !config.SLACK_SIGNING_SECRET) return undefined;
  return { token: config.SLACK_BOT_TOKEN, signingSecret: config.SLACK_SIGNING_SECRET, apiUrl: config.SLACK_API_URL };
}
