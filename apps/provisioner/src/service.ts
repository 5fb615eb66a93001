import type { ServiceDefinition } from '@jit/platform';
import { GrantsModule } from './grants/grants.module.js';
import { CreateGrants1764000000100 } from './migrations/1764000000100-create-grants.js';
import { provisionerEnvSchema } from './provisioner.config.js';

/** Provisioner: grants in Okta and their Jira tickets, from grant to revocation. */
export const provisionerService: ServiceDefinition = {
  name: 'provisioner',
  defaultPort: 3002,
  env: provisionerEnvSchema,
  imports: [GrantsModule],
  migrations: [CreateGrants1764000000100],
};
