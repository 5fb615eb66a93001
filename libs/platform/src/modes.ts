import type { z } from 'zod';

/** The settings a mode rule reads: the mode and, by name, the variables it checks. */
type ModeValues = { JIT_MODE: 'local' | 'production' } & Record<string, unknown>;

/** Shortest secret accepted outside local mode: real vendor secrets are far longer (Slack's signing secret is 32 characters). */
export const MIN_SECRET_LENGTH = 16;

/**
 * Secret values this repository ships (compose's old defaults, `npm start`'s simulator tokens, the
 * test and e2e fixtures): anyone who reads the repository knows them.
 */
export const SHIPPED_SECRETS: readonly string[] = [
  'jit-demo-key-change-me-0000',
  'sim-okta-token',
  'sim-jira-token',
  'xoxb-sim-token',
  'sim-signing-secret',
  'e2e-demo-api-key-0123456789',
  'e2e-okta-token',
  'e2e-jira-token',
  'xoxb-e2e-token',
  'e2e-signing-secret',
];

/**
 * A word that marks a placeholder or a fixture (`xoxb-sim-token`, `jit_demo_…`, `…-change-me-…`),
 * between dashes or underscores so that a random token is not caught by a chance run of letters.
 */
const PLACEHOLDER_WORD = /(^|[-_])(demo|sim|e2e|test|example|changeme|change-me|placeholder)([-_]|$)/i;

/** Database passwords the repository ships: compose's old default and the embedded Postgres of `npm start`. */
const SHIPPED_DATABASE_PASSWORDS: readonly string[] = ['jit', 'postgres'];

/** Why a secret is not acceptable outside local mode, or undefined when it is. Never says what the value is. */
export function demoSecretProblem(secret: string): string | undefined {
  if (SHIPPED_SECRETS.includes(secret) || PLACEHOLDER_WORD.test(secret)) {
    return 'is a demo or test value the repository ships; set the real secret (demo values are for local mode only, JIT_MODE=local)';
  }
  if (secret.length < MIN_SECRET_LENGTH) return `is too short to be a real secret (at least ${MIN_SECRET_LENGTH} characters)`;
  return undefined;
}

/**
 * Outside local mode, refuses each named secret that is set to a shipped or placeholder value and
 * each named URL that is not https: plain HTTP hands the tokens sent to it to anyone on the path,
 * and the vendor simulator speaks only HTTP. Whether a variable is required at all is the schema's
 * business; this rule judges the values that are there. Messages name the variable, never its value.
 */
export function refuseDemoSettings(
  values: ModeValues,
  ctx: z.RefinementCtx,
  names: { secrets?: readonly string[]; httpsUrls?: readonly string[] },
): void {
  if (values.JIT_MODE === 'local') return;
  for (const name of names.secrets ?? []) {
    const value = values[name];
    const problem = typeof value === 'string' ? demoSecretProblem(value) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
  }
  for (const name of names.httpsUrls ?? []) {
    const value = values[name];
    if (typeof value === 'string' && !value.startsWith('https://')) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'must be an https:// URL outside local mode (JIT_MODE=local)' });
    }
  }
}

/** Refuses a database URL whose password is one the repository ships. */
export function refuseShippedDatabasePassword(databaseUrl: string, ctx: z.RefinementCtx, variable = 'DATABASE_URL'): void {
  const password = decodeURIComponent(new URL(databaseUrl).password);
  if (SHIPPED_DATABASE_PASSWORDS.includes(password)) {
    ctx.addIssue({
      code: 'custom',
      path: [variable],
      message: 'its password is one the repository ships (compose or npm start); set a real one outside local mode',
    });
  }
}
