import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@jit/platform';
import { CatalogModule } from '../catalog/catalog.module.js';
import { IDENTITY_PROVIDER } from '../okta/identity-provider.js';
import { OktaIdentityProvider } from '../okta/okta.adapter.js';
import type { ProvisionerConfig } from '../provisioner.config.js';
import { GrantPipeline } from './grant.pipeline.js';
import { GrantingLoop } from './granting-loop.js';
import { GrantsHandler } from './grants.handler.js';
import { RevocationLoop } from './revocation-loop.js';

/** Grants from final approval to confirmed revocation, over Okta groups. */
@Module({
  imports: [CatalogModule],
  controllers: [GrantsHandler],
  providers: [
    GrantPipeline,
    GrantingLoop,
    RevocationLoop,
    {
      provide: IDENTITY_PROVIDER,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ProvisionerConfig) =>
        new OktaIdentityProvider({ orgUrl: config.OKTA_ORG_URL, token: config.OKTA_API_TOKEN, maxRetries: config.OKTA_MAX_RETRIES }),
    },
  ],
  exports: [IDENTITY_PROVIDER, GrantPipeline],
})
export class GrantsModule {}
