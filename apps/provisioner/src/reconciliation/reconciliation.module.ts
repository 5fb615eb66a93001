import { Module } from '@nestjs/common';
import { GrantsModule } from '../grants/grants.module.js';
import { ReconciliationLoop } from './reconciliation-loop.js';

/** Reconciliation of managed Okta groups against the grants that explain their members. */
@Module({
  imports: [GrantsModule],
  providers: [ReconciliationLoop],
})
export class ReconciliationModule {}
