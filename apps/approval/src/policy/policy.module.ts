import { Module } from '@nestjs/common';
import { Catalog, readCatalog } from '@jit/catalog';
import { SERVICE_CONFIG } from '@jit/platform';
import { ApprovalsModule } from '../approvals/approvals.module.js';
import type { ApprovalConfig } from '../config.js';
import { PolicyDryRunController } from './dry-run.controller.js';
import { PolicyDryRun } from './dry-run.js';

/** The policy dry run, over the catalog read from `CATALOG_FILE` once at start-up. */
@Module({
  imports: [ApprovalsModule],
  controllers: [PolicyDryRunController],
  providers: [
    { provide: Catalog, inject: [SERVICE_CONFIG], useFactory: (config: ApprovalConfig) => readCatalog(config.CATALOG_FILE) },
    PolicyDryRun,
  ],
})
export class PolicyModule {}
