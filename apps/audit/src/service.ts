import type { ServiceDefinition } from '@jit/platform';
import { auditEnvSchema, auditRules, type AuditConfig } from './audit.config.js';
import { AuditModule } from './audit.module.js';
import { grantWriter } from './database/writer-role.js';
import { CreateAuditEvents1764000000100 } from './migrations/1764000000100-create-audit-events.js';
import { RequesterCanonicalIndex1764000000200 } from './migrations/1764000000200-requester-canonical-index.js';
import { EvidenceAndProjections1764000000300 } from './migrations/1764000000300-evidence-and-projections.js';
import { TimeWindowIndexes1764000000400 } from './migrations/1764000000400-time-window-indexes.js';
import { GrantsProjection1764000000500 } from './migrations/1764000000500-grants-projection.js';
import { RefusedAuditorQueries1764000000600 } from './migrations/1764000000600-refused-auditor-queries.js';

/** Audit: the append-only, hash-chained store of every access event and its query API. */
export const auditService: ServiceDefinition<typeof auditEnvSchema> = {
  name: 'audit',
  defaultPort: 3004,
  env: auditEnvSchema,
  rules: auditRules,
  imports: [AuditModule],
  migrations: [
    CreateAuditEvents1764000000100,
    RequesterCanonicalIndex1764000000200,
    EvidenceAndProjections1764000000300,
    TimeWindowIndexes1764000000400,
    GrantsProjection1764000000500,
    RefusedAuditorQueries1764000000600,
  ],
  // The tables belong to DATABASE_OWNER_URL's role; the service's own may only insert and select the evidence.
  owner: { url: (config) => (config as AuditConfig).DATABASE_OWNER_URL, grant: grantWriter },
};
