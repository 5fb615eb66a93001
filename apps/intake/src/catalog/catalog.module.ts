import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@jit/platform';
import type { IntakeConfig } from '../config.js';
import { Catalog } from '@jit/catalog';
import { CatalogController } from './catalog.controller.js';
import { readCatalog } from '@jit/catalog';

/** The application catalog, read from `CATALOG_FILE` once at start-up. */
@Module({
  controllers: [CatalogController],
  providers: [{ provide: Catalog, inject: [SERVICE_CONFIG], useFactory: (config: IntakeConfig) => readCatalog(config.CATALOG_FILE) }],
  exports: [Catalog],
})
export class CatalogModule {}
