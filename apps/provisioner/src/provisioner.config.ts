import { z } from 'zod';
import { DEMO_CATALOG_FILE, demoCatalogRule } from '@jit/catalog';
import { refuseDemoSettings, type BaseConfig, type ConfigRules } from '@jit/platform';

const ms = z.coerce.number().int().positive();

/** The provisioner's own settings. */
export const provisionerEnvSchema = z.object({
  /** The path of the application catalog (each group's membership mode), read once at start-up. */
  CATALOG_FILE: z.string().trim().min(1, 'expected the path of the catalog file').default(DEMO_CATALOG_FILE),
  OKTA_ORG_URL: z.url(),
  OKTA_API_TOKEN: z.string().min(1),
  /** In-place retries of one Okta call on 429/5xx/network errors before the caller's own retry takes over. */
  OKTA_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  JIRA_HOST: z.url(),
  JIRA_EMAIL: z.string().min(1),
  JIRA_API_TOKEN: z.string().min(1),
  JIRA_PROJECT_KEY: z.string().min(1).default('JIT'),
  JIRA_ISSUE_TYPE: z.string().min(1).default('Task'),
  /** How long one Jira call may take before it counts as failed and is retried later. */
  JIRA_TIMEOUT_MS: ms.default(30_000),
  /** How often the granting loop looks for approved grants when none is waiting; a backlog is drained without pause. */
  GRANT_TICK_MS: ms.default(500),
  /** Delay after the first failed grant attempt (Okta unavailable); doubles per attempt, with jitter. */
  GRANT_BACKOFF_BASE_MS: ms.default(1000),
  /** Longest delay between grant attempts. */
  GRANT_BACKOFF_MAX_MS: ms.default(60_000),
  /** How often the revocation loop looks for grants to revoke when none is waiting. */
  REVOKE_TICK_MS: ms.default(1000),
  /** Delay after the first failed revocation attempt; doubles per attempt, with jitter. */
  REVOKE_BACKOFF_BASE_MS: ms.default(1000),
  /** Longest delay between revocation attempts. */
  REVOKE_BACKOFF_MAX_MS: ms.default(60_000),
  /** How often the ticket loop looks for Jira tickets to open or close when none is waiting. */
  TICKET_TICK_MS: ms.default(1000),
  /** Delay after the first failed Jira attempt; doubles per attempt, with jitter. */
  TICKET_BACKOFF_BASE_MS: ms.default(1000),
  /** Longest delay between Jira attempts. */
  TICKET_BACKOFF_MAX_MS: ms.default(300_000),
  /**
   * How long a loop's claim on a grant lasts. A replica that dies mid-call is taken over when it runs
   * out, so it must outlast the slowest vendor call sequence (Okta's rate-limit waits included).
   */
  CLAIM_LEASE_MS: ms.default(120_000),
  /** Grants (or tickets) each loop works on side by side; a slow vendor call holds one of these, never a connection. */
  LOOP_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * `enforce` (the default): members no grant explains are removed from exclusive (JIT-only) groups
   * and only reported in shared ones, and grants past their expiry or deadline are revoked.
   * `report` overrides every group: findings are recorded and nothing is acted on (the safe first
   * step when a group is moved to JIT-only).
   */
  RECONCILE_MODE: z.enum(['report', 'enforce']).default('enforce'),
  /** How often the reconciliation compares managed Okta groups with grants (`POST /v1/reconciliations` runs a round at once). */
  RECONCILE_INTERVAL_MS: ms.default(60_000),
  /**
   * The scheduler fires `expired` at `expiresAt`; a grant still holding access this long after its
   * expiry (or deadline) is taken to have lost its event and is revoked by reconciliation, rather
   * than racing an expiry about to arrive. Lost expiries end within this plus one interval.
   */
  RECONCILE_EXPIRY_GRACE_MS: ms.default(60_000),
  /**
   * Requesters whose Okta status (deactivated, suspended, deleted) each reconciliation round reads,
   * those read longest ago first: one Okta call each, so this bounds the round's share of the rate limit.
   */
  RECONCILE_PEOPLE_PER_ROUND: z.coerce.number().int().min(0).max(1000).default(50),
  /** Okta group ids to reconcile besides the catalog's and those granted into (comma-separated); shared unless the catalog says otherwise. */
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

/** Rules between the provisioner's variables, checked with the schema at start-up. */
export const provisionerConfigRules: ConfigRules<typeof provisionerEnvSchema> = (values, ctx) => {
  demoCatalogRule(values, ctx);
  // Simulator tokens or plain-HTTP vendor URLs would point group changes at a fake or expose the tokens.
  refuseDemoSettings(values, ctx, { secrets: ['OKTA_API_TOKEN', 'JIRA_API_TOKEN'], httpsUrls: ['OKTA_ORG_URL', 'JIRA_HOST'] });
};
