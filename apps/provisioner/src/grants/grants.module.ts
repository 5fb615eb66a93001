import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@jit/platform';
import { JiraTicketing } from '../jira/jira.adapter.js';
import { TICKETING } from '../jira/ticketing.js';
import { IDENTITY_PROVIDER } from '../okta/identity-provider.js';
import { OktaIdentityProvider } from '../okta/okta.adapter.js';
import type { ProvisionerConfig } from '../provisioner.config.js';
import { Granting } from './granting.js';
import { GrantsHandler } from './grants.handler.js';
import { RevocationLoop } from './revocation-loop.js';

/** Grants from final approval to confirmed revocation, over Okta groups and Jira tickets. */
@Module({
  controllers: [GrantsHandler],
  providers: [
    Granting,
    RevocationLoop,
    {
      provide: IDENTITY_PROVIDER,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ProvisionerConfig) =>
        new OktaIdentityProvider({ orgUrl: config.OKTA_ORG_URL, token: config.OKTA_API_TOKEN, maxRetries: config.OKTA_MAX_RETRIES }),
    },
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
        }),
    },
  ],
  exports: [IDENTITY_PROVIDER],
})
export class GrantsModule {}
