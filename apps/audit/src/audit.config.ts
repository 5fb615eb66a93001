import { z } from 'zod';
import { LoginSchema } from '@jit/events';
import type { BaseConfig } from '@jit/platform';

/** The audit service's own settings. */
export const auditEnvSchema = z.object({
  /**
   * Logins of the people who may read the audit trail, comma-separated and canonicalised. Empty by
   * default: no person is an auditor until the operator names them (`npm start` names the demo auditor).
   */
  AUDITORS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(LoginSchema)),
});

/** The audit service's validated configuration. */
export type AuditConfig = BaseConfig & z.infer<typeof auditEnvSchema>;
