import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@jit/platform';
import type { IntakeConfig } from '../config.js';
import { Catalog } from './catalog.js';
import { CatalogController } from './catalog.controller.js';

/** The application catalog, loaded and validated with the configuration at start-up. */
@Module({
  controllers: [CatalogController],
  providers: [{ provide: Catalog, inject: [SERVICE_CONFIG], useFactory: (config: IntakeConfig) => config.CATALOG_FILE }],
  exports: [Catalog],
})
export class CatalogModule {}
