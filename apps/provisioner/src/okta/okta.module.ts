import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@jit/platform';
import type { ProvisionerConfig } from '../provisioner.config.js';
import { IDENTITY_PROVIDER } from './identity-provider.js';
import { OktaIdentityProvider } from './okta.adapter.js';
import { OktaUsers } from './okta-users.js';

/** Okta behind the identity provider port, and the Okta user ids already looked up. */
@Module({
  providers: [
    OktaUsers,
    {
      provide: IDENTITY_PROVIDER,
      inject: [SERVICE_CONFIG],
      // The SDK is loaded before the service takes work: granting and revoking are the provisioner's own
      // work, and loading it on the first call would hold the event loop inside the first grant's time.
      useFactory: async (config: ProvisionerConfig) => {
        const okta = new OktaIdentityProvider({
          orgUrl: config.OKTA_ORG_URL,
          token: config.OKTA_API_TOKEN,
          maxRetries: config.OKTA_MAX_RETRIES,
        });
        await okta.load();
        return okta;
      },
    },
  ],
  exports: [IDENTITY_PROVIDER, OktaUsers],
})
export class OktaModule {}
