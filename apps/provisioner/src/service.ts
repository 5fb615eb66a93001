import type { ServiceDefinition } from '@jit/platform';
import { CreateGrants1764000000100 } from './migrations/1764000000100-create-grants.js';

/** Provisioner: grants in Okta and their Jira tickets, from grant to revocation. */
export const provisionerService: ServiceDefinition = {
  name: 'provisioner',
  defaultPort: 3002,
  imports: [],
  migrations: [CreateGrants1764000000100],
};
