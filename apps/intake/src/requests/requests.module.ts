import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { RequestCommands } from './request-commands.js';
import { RequestEventsHandler } from './request-events.handler.js';
import { RequestPipeline } from './request.pipeline.js';
import { RequestQueries } from './request-queries.js';
import { RequestWaits } from './request-waits.js';
import { RequestsController } from './requests.controller.js';
import { SubmissionReplay } from './submission-replay.js';

/** Requests: intake over HTTP and the status read model fed by events, both through one decision pipeline. */
@Module({
  imports: [CatalogModule],
  controllers: [RequestsController, RequestEventsHandler],
  providers: [RequestPipeline, RequestCommands, RequestQueries, RequestWaits, SubmissionReplay],
})
export class RequestsModule {}
