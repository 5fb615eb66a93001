import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module.js';
import { ChatModule } from './chat.module.js';
import { SlackDecisions } from './slack-decisions.js';
import { SlackEventsController } from './slack-events.controller.js';
import { SlackRawBody } from './slack-raw-body.js';

/** Approvals decided in Slack: `POST /slack/events`. */
@Module({
  imports: [ApprovalsModule, ChatModule],
  controllers: [SlackEventsController],
  providers: [SlackRawBody, SlackDecisions],
})
export class SlackEventsModule {}
