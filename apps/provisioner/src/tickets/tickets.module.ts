import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@jit/platform';
import { JiraTicketing } from '../jira/jira.adapter.js';
import { TICKETING } from '../jira/ticketing.js';
import type { ProvisionerConfig } from '../provisioner.config.js';
import { GrantsModule } from '../grants/grants.module.js';
import { TicketLoop } from './ticket-loop.js';

/** Jira's record of each grant, kept by its own loop beside the Okta work. */
@Module({
  imports: [GrantsModule],
  providers: [
    TicketLoop,
    {
      provide: TICKETING,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ProvisionerConfig) =>
        new JiraTicketing({
          host: config.JIRA_HOST,
          email: config.JIRA_EMAIL,
          apiToken: config.JIRA_API_TOKEN,
          projectKey: config.JIRA_PROJECT_KEY,
          issueType: config.JIRA_ISSUE_TYPE,
          timeoutMs: config.JIRA_TIMEOUT_MS,
        }),
    },
  ],
})
export class TicketsModule {}
