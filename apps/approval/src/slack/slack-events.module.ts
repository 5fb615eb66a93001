import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module.js';
import { DirectoryModule } from '../directory/directory.module.js';
import { ChatModule } from './chat.module.js';
import { SlackDecisions } from './slack-decisions.js';
import { SlackEventsController } from './slack-events.controller.js';

/** Approvals decided in Slack: `POST /slack/events`. */
@Module({
  imports: [ApprovalsModule, ChatModule, DirectoryModule],
  controllers: [SlackEventsController],
  providers: [SlackDecisions],
})
export class SlackEventsModule {}
