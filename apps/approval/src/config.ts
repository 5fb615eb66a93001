import { z } from 'zod';
import { ConfigError, type BaseConfig } from '@jit/platform';

const TOKEN_REQUIRED = 'required: an Okta API token (SSWS) with read access to users';

/** The approval service's own settings: where the directory (Okta) and the chat (Slack) are. */
export const approvalEnvSchema = z.object({
  OKTA_ORG_URL: z.url({ protocol: /^https?$/, error: 'expected the Okta org URL, e.g. https://acme.okta.com' }),
  OKTA_API_TOKEN: z.string({ error: TOKEN_REQUIRED }).min(1, TOKEN_REQUIRED),
  /** Bot token (xoxb-…); without it the service runs without Slack. */
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  /** Proves that requests to `POST /slack/events` come from Slack; required with SLACK_BOT_TOKEN. */
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_API_URL: z
    .url({ protocol: /^https?$/, error: 'expected the Slack Web API base URL, e.g. https://slack.com/api/' })
    .default('https://slack.com/api/'),
  /** How often the Slack notification outbox is drained; also the first retry delay. */
  SLACK_NOTIFY_TICK_MS: z.coerce.number().int().positive().default(1000),
});

/** The approval service's validated configuration. */
export type ApprovalConfig = BaseConfig & z.infer<typeof approvalEnvSchema>;

/** How to reach Slack, when it is configured. */
export interface SlackSettings {
  token: string;
  signingSecret: string;
  apiUrl: string;
}

/** The Slack settings, or undefined to run without Slack; a token without a signing secret is a configuration error. */
export function slackSettingsOf(config: ApprovalConfig): SlackSettings | undefined {
  if (!config.SLACK_BOT_TOKEN) return undefined;
  if (!config.SLACK_SIGNING_SECRET) {
    // Cross-variable rules cannot live in the env schema: the platform merges only its shape.
    throw new ConfigError(
      "invalid configuration for approval: SLACK_SIGNING_SECRET: required when SLACK_BOT_TOKEN is set (the app's signing secret)",
    );
  }
  return { token: config.SLACK_BOT_TOKEN, signingSecret: config.SLACK_SIGNING_SECRET, apiUrl: config.SLACK_API_URL };
}
