import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { GrantsModule } from '../grants/grants.module.js';
import { OktaModule } from '../okta/okta.module.js';
import { DirectoryLifecycle } from './directory-lifecycle.js';
import { ReconciliationLoop } from './reconciliation-loop.js';
import { ReconciliationController } from './reconciliation.controller.js';

/** Reconciliation of managed Okta groups against the grants that explain their members, on a schedule and on demand. */
@Module({
  imports: [GrantsModule, OktaModule, CatalogModule],
  controllers: [ReconciliationController],
  providers: [ReconciliationLoop, DirectoryLifecycle],
})
export class ReconciliationModule {}
