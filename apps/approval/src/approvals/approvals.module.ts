import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module.js';
import { ApprovalEventsHandler } from './approval-events.handler.js';
import { Approvals } from './approvals.js';
import { ApprovalsController } from './approvals.controller.js';

/** Approval state, its decisions and the web approvals API. */
@Module({
  imports: [DirectoryModule],
  controllers: [ApprovalsController, ApprovalEventsHandler],
  providers: [Approvals],
})
export class ApprovalsModule {}
