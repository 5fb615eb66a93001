import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ApprovalEventsHandler } from './approval-events.handler.js';
import { ApprovalStore } from './approval.store.js';
import { Approvals } from './approvals.js';
import { ReminderLoop } from './reminder-loop.js';
import { ApprovalsController } from './approvals.controller.js';

/** Approval state, its decisions, the web approvals API, the notices of each change and the reminders that fall due. */
@Module({
  imports: [DirectoryModule, NotificationsModule],
  controllers: [ApprovalsController, ApprovalEventsHandler],
  providers: [Approvals, ApprovalStore, ReminderLoop],
  exports: [Approvals],
})
export class ApprovalsModule {}
