import { Module } from '@nestjs/common';
import { Catalog, readCatalog } from '@jit/catalog';
import { SERVICE_CONFIG } from '@jit/platform';
import type { ProvisionerConfig } from '../provisioner.config.js';

/** The application catalog, read from `CATALOG_FILE` once at start-up: which groups are JIT-only and which applications exist. */
@Module({
  providers: [{ provide: Catalog, inject: [SERVICE_CONFIG], useFactory: (config: ProvisionerConfig) => readCatalog(config.CATALOG_FILE) }],
  exports: [Catalog],
})
export class CatalogModule {}
