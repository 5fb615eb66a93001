import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { RequestEventsHandler } from './request-events.handler.js';
import { RequestsController } from './requests.controller.js';
import { RequestsService } from './requests.service.js';

/** Requests: intake over HTTP and the status read model fed by events. */
@Module({
  imports: [CatalogModule],
  controllers: [RequestsController, RequestEventsHandler],
  providers: [RequestsService],
})
export class RequestsModule {}
