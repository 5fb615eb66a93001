import { z } from 'zod';
import { MAX_GENERATED_PEOPLE } from './seed/people.js';
import type { VendorSimOptions } from './server.js';

/** An unset variable and an empty one mean the same: take the default. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const wholeNumber = (max: number) => z.coerce.number().int().min(0).max(max);

/** The standalone simulator's environment (see README.md). */
const envSchema = z.object({
  VENDOR_SIM_PORT: optional(wholeNumber(65_535)),
  VENDOR_SIM_HOST: optional(z.string()),
  VENDOR_SIM_PUBLIC_URL: optional(z.url()),
  VENDOR_SIM_OKTA_RATE_LIMIT: optional(wholeNumber(Number.MAX_SAFE_INTEGER)),
  VENDOR_SIM_SEED_PEOPLE: optional(wholeNumber(MAX_GENERATED_PEOPLE)),
  VENDOR_SIM_AUDIENCE: optional(z.string()),
  VENDOR_SIM_OKTA_TOKEN: optional(z.string()),
  VENDOR_SIM_JIRA_EMAIL: optional(z.string()),
  VENDOR_SIM_JIRA_TOKEN: optional(z.string()),
  VENDOR_SIM_SLACK_TOKEN: optional(z.string()),
  VENDOR_SIM_STATE_DIR: optional(z.string().min(1)),
});

/**
 * Reads the standalone simulator's options from the environment, once, at start-up: port 4010 and every interface
 * (so containers can reach it) unless told otherwise. Throws naming each bad variable.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv): VendorSimOptions {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`vendor-sim: invalid environment: ${problems.join('; ')}`);
  }
  const vars = parsed.data;
  return {
    port: vars.VENDOR_SIM_PORT ?? 4010,
    host: vars.VENDOR_SIM_HOST ?? '0.0.0.0',
    publicUrl: vars.VENDOR_SIM_PUBLIC_URL,
    oktaRateLimitPerMinute: vars.VENDOR_SIM_OKTA_RATE_LIMIT,
    generatedPeople: vars.VENDOR_SIM_SEED_PEOPLE,
    audience: vars.VENDOR_SIM_AUDIENCE,
    oktaApiToken: vars.VENDOR_SIM_OKTA_TOKEN,
    jiraEmail: vars.VENDOR_SIM_JIRA_EMAIL,
    jiraApiToken: vars.VENDOR_SIM_JIRA_TOKEN,
    slackToken: vars.VENDOR_SIM_SLACK_TOKEN,
    stateDir: vars.VENDOR_SIM_STATE_DIR,
  };
}
