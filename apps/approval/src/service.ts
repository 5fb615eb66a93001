import type { ServiceDefinition } from '@jit/platform';
import { ApprovalRecord } from './approvals/approval.entity.js';
import { ApprovalsModule } from './approvals/approvals.module.js';
import { approvalEnvSchema } from './config.js';
import { CreateApprovals1764000000100 } from './migrations/1764000000100-create-approvals.js';

/** Approvals: who must approve each request, in which order, and their decisions. */
export const approvalService: ServiceDefinition = {
  name: 'approval',
  defaultPort: 3001,
  env: approvalEnvSchema,
  imports: [ApprovalsModule],
  entities: [ApprovalRecord],
  migrations: [CreateApprovals1764000000100],
};
