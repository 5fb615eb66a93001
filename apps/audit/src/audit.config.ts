import { z } from 'zod';
import { LoginSchema } from '@jit/events';
import { refuseShippedDatabasePassword, type BaseConfig, type ConfigRules } from '@jit/platform';

const positiveInt = z.coerce.number().int().positive();

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
  /**
   * The owner of the audit tables, through which migrations run and `DATABASE_URL`'s role is granted
   * INSERT and SELECT only. Required outside local mode; in local mode without it the service's own
   * role migrates (and owns the tables, so the append-only trigger binds only those who do not).
   */
  DATABASE_OWNER_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// URL' }).optional(),
  /**
   * The Ed25519 private key (PKCS#8 PEM) that signs checkpoints of the chain's head. Required outside
   * local mode; in local mode a key is generated there on first start (default `.data/audit-signing-key.pem`).
   */
  AUDIT_SIGNING_KEY_FILE: z.string().min(1).optional(),
  /** How often the head is signed when it moved. */
  AUDIT_CHECKPOINT_INTERVAL_MS: positiveInt.default(60 * 60 * 1000),
  /** How long past its expiry a grant may stay unrevoked before it is reported lingering (revocation takes a moment). */
  AUDIT_LINGERING_GRACE_MS: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(5 * 60 * 1000),
});

/** Outside local mode the tables' owner and the signing key are the operator's, never a default. */
export const auditRules: ConfigRules<typeof auditEnvSchema> = (values, ctx) => {
  if (values.JIT_MODE === 'local') return;
  if (!values.DATABASE_OWNER_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['DATABASE_OWNER_URL'],
      message: "required outside local mode: the audit tables' owner; DATABASE_URL is then the service's own insert-and-select role",
    });
  } else {
    refuseShippedDatabasePassword(values.DATABASE_OWNER_URL, ctx, 'DATABASE_OWNER_URL');
    if (new URL(values.DATABASE_OWNER_URL).username === new URL(values.DATABASE_URL).username) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: "must log in as a role other than DATABASE_OWNER_URL's: the service may only insert and select",
      });
    }
  }
  if (!values.AUDIT_SIGNING_KEY_FILE) {
    ctx.addIssue({
      code: 'custom',
      path: ['AUDIT_SIGNING_KEY_FILE'],
      message: 'required outside local mode: the Ed25519 private key (PKCS#8 PEM) that signs checkpoints',
    });
  }
};

/** The audit service's validated configuration. */
export type AuditConfig = BaseConfig & z.infer<typeof auditEnvSchema>;
