import type { ServiceDefinition } from '@jit/platform';
import { ApprovalRecord } from './approvals/approval.entity.js';
import { ApprovalsModule } from './approvals/approvals.module.js';
import { approvalConfigRules, approvalEnvSchema } from './config.js';
import { OktaSubjects } from './directory/okta-subjects.js';
import { CreateApprovals1764000000100 } from './migrations/1764000000100-create-approvals.js';
import { CreateSlackNotifications1764000000200 } from './migrations/1764000000200-create-slack-notifications.js';
import { RenameNotifications1764000000300 } from './migrations/1764000000300-rename-notifications.js';
import { CanonicalLogins1764000000400 } from './migrations/1764000000400-canonical-logins.js';
import { AddRequestKey1764000000410 } from './migrations/1764000000410-add-request-key.js';
import { AccessAndReminders1764000000500 } from './migrations/1764000000500-access-and-reminders.js';
import { NoticeClaims1764000000600 } from './migrations/1764000000600-notice-claims.js';
import { PolicyModule } from './policy/policy.module.js';
import { SlackEventsModule } from './slack/slack-events.module.js';

/** Approvals: who must approve each request, in which order, and their decisions, on the web and in Slack. */
export const approvalService: ServiceDefinition<typeof approvalEnvSchema> = {
  name: 'approval',
  defaultPort: 3001,
  env: approvalEnvSchema,
  rules: approvalConfigRules,
  // Approvers sign in with Okta tokens; the directory names them when a token carries no verified email.
  subjectDirectory: (config) => new OktaSubjects({ orgUrl: config.OKTA_ORG_URL, token: config.OKTA_API_TOKEN }),
  imports: [ApprovalsModule, SlackEventsModule, PolicyModule],
  entities: [ApprovalRecord],
  migrations: [
    CreateApprovals1764000000100,
    CreateSlackNotifications1764000000200,
    RenameNotifications1764000000300,
    CanonicalLogins1764000000400,
    AddRequestKey1764000000410,
    AccessAndReminders1764000000500,
    NoticeClaims1764000000600,
  ],
};
