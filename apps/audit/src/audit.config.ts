import { z } from 'zod';
import { normaliseLogin } from '@jit/events';
import type { BaseConfig } from '@jit/platform';

/** The audit service's own settings. */
export const auditEnvSchema = z.object({
  AUDITORS: z
    .string()
    .default('dave@example.com')
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
        .map(normaliseLogin),
    ),
});

/** The audit service's validated configuration. */
export type AuditConfig = BaseConfig & z.infer<typeof auditEnvSchema>;
