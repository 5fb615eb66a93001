import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module.js';
import { ChatModule } from '../slack/chat.module.js';
import { ApprovalEventsHandler } from './approval-events.handler.js';
import { Approvals } from './approvals.js';
import { ApprovalsController } from './approvals.controller.js';

/** Approval state, its decisions, the web approvals API and the chat notices of each change. */
@Module({
  imports: [DirectoryModule, ChatModule],
  controllers: [ApprovalsController, ApprovalEventsHandler],
  providers: [Approvals],
  exports: [Approvals],
})
export class ApprovalsModule {}
