import { z } from 'zod';
import type { BaseConfig } from '@jit/platform';

const ms = z.coerce.number().int().positive();

/** The provisioner's own settings. */
export const provisionerEnvSchema = z.object({
  OKTA_ORG_URL: z.url(),
  OKTA_API_TOKEN: z.string().min(1),
  /** In-place retries of one Okta call on 429/5xx/network errors before the caller's own retry takes over. */
  OKTA_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  JIRA_HOST: z.url(),
  JIRA_EMAIL: z.string().min(1),
  JIRA_API_TOKEN: z.string().min(1),
  JIRA_PROJECT_KEY: z.string().min(1).default('JIT'),
  JIRA_ISSUE_TYPE: z.string().min(1).default('Task'),
  /** How often the revocation loop looks for grants to revoke. */
  REVOKE_TICK_MS: ms.default(1000),
  /** Delay after the first failed revocation attempt; doubles per attempt. */
  REVOKE_BACKOFF_BASE_MS: ms.default(1000),
  /** Longest delay between revocation attempts. */
  REVOKE_BACKOFF_MAX_MS: ms.default(60_000),
  /** `report` only records members no grant explains; `enforce` also removes them and revokes overdue grants. */
  RECONCILE_MODE: z.enum(['report', 'enforce']).default('report'),
  /** How often the reconciliation loop compares managed Okta groups with grants. */
  RECONCILE_INTERVAL_MS: ms.default(60_000),
  /** Okta group ids to reconcile besides those the provisioner has granted into (comma-separated). */
  RECONCILE_GROUPS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    ),
});

/** The provisioner's validated configuration. */
export type ProvisionerConfig = BaseConfig & z.infer<typeof provisionerEnvSchema>;
