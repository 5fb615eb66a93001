import type { ServiceDefinition } from '@jit/platform';
import { auditEnvSchema } from './audit.config.js';
import { AuditModule } from './audit.module.js';
import { CreateAuditEvents1764000000100 } from './migrations/1764000000100-create-audit-events.js';
import { RequesterCanonicalIndex1764000000200 } from './migrations/1764000000200-requester-canonical-index.js';

/** Audit: the append-only, hash-chained store of every access event and its query API. */
export const auditService: ServiceDefinition = {
  name: 'audit',
  defaultPort: 3004,
  env: auditEnvSchema,
  imports: [AuditModule],
  migrations: [CreateAuditEvents1764000000100, RequesterCanonicalIndex1764000000200],
};
