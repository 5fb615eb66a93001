import type { ServiceDefinition } from '@jit/platform';
import { CreateApprovals1764000000100 } from './migrations/1764000000100-create-approvals.js';

/** Approvals: who must approve each request, in which order, and their decisions. */
export const approvalService: ServiceDefinition = {
  name: 'approval',
  defaultPort: 3001,
  imports: [],
  migrations: [CreateApprovals1764000000100],
};
