import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { GrantsModule } from '../grants/grants.module.js';
import { OktaModule } from '../okta/okta.module.js';
import { ReconciliationLoop } from './reconciliation-loop.js';

/** Reconciliation of managed Okta groups against the grants that explain their members. */
@Module({
  imports: [GrantsModule, OktaModule, CatalogModule],
  providers: [ReconciliationLoop],
})
export class ReconciliationModule {}
