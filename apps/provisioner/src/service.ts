import type { ServiceDefinition } from '@jit/platform';
import { GrantsModule } from './grants/grants.module.js';
import { CreateGrants1764000000100 } from './migrations/1764000000100-create-grants.js';
import { CreateReconciliationFindings1764000000200 } from './migrations/1764000000200-create-reconciliation-findings.js';
import { AddGrantLeases1764000000300 } from './migrations/1764000000300-add-grant-leases.js';
import { CreateReconciliationLease1764000000400 } from './migrations/1764000000400-create-reconciliation-lease.js';
import { AddGrantMembership1764000000500 } from './migrations/1764000000500-add-grant-membership.js';
import { CreateOktaUsers1764000000600 } from './migrations/1764000000600-create-okta-users.js';
import { TrackReconciliationFindings1764000000700 } from './migrations/1764000000700-track-reconciliation-findings.js';
import { CreateRequesterChecks1764000000800 } from './migrations/1764000000800-create-requester-checks.js';
import { AddGrantExtensions1764000000900 } from './migrations/1764000000900-add-grant-extensions.js';
import { provisionerConfigRules, provisionerEnvSchema } from './provisioner.config.js';
import { ReconciliationModule } from './reconciliation/reconciliation.module.js';
import { TicketsModule } from './tickets/tickets.module.js';

/** Provisioner: grants in Okta and their Jira tickets, from grant to revocation, and reconciliation of Okta against them. */
export const provisionerService: ServiceDefinition<typeof provisionerEnvSchema> = {
  name: 'provisioner',
  defaultPort: 3002,
  env: provisionerEnvSchema,
  rules: provisionerConfigRules,
  imports: [GrantsModule, TicketsModule, ReconciliationModule],
  migrations: [
    CreateGrants1764000000100,
    CreateReconciliationFindings1764000000200,
    AddGrantLeases1764000000300,
    CreateReconciliationLease1764000000400,
    AddGrantMembership1764000000500,
    CreateOktaUsers1764000000600,
    TrackReconciliationFindings1764000000700,
    CreateRequesterChecks1764000000800,
    AddGrantExtensions1764000000900,
  ],
};
