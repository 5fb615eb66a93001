import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { OktaModule } from '../okta/okta.module.js';
import { GrantPipeline } from './grant.pipeline.js';
import { GrantingLoop } from './granting-loop.js';
import { GrantsHandler } from './grants.handler.js';
import { RevocationLoop } from './revocation-loop.js';

/** Grants from final approval to confirmed revocation, over Okta groups. */
@Module({
  imports: [CatalogModule, OktaModule],
  controllers: [GrantsHandler],
  providers: [GrantPipeline, GrantingLoop, RevocationLoop],
  exports: [GrantPipeline],
})
export class GrantsModule {}
