import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@jit/platform';
import { SLACK_SETTINGS, slackSettingsOf, type ApprovalConfig, type SlackSettings } from '../config.js';
import { SlackChat } from './slack-chat.js';
import { Chat, NoChat } from './chat.js';

/** Provides the `Chat` port: Slack when SLACK_BOT_TOKEN is set, else a chat that reaches nobody; and the Slack settings (null without Slack). */
@Module({
  providers: [
    { provide: SLACK_SETTINGS, useFactory: (config: ApprovalConfig) => slackSettingsOf(config) ?? null, inject: [SERVICE_CONFIG] },
    {
      provide: Chat,
      useFactory: (slack: SlackSettings | null) => (slack ? new SlackChat({ token: slack.token, apiUrl: slack.apiUrl }) : new NoChat()),
      inject: [SLACK_SETTINGS],
    },
  ],
  exports: [Chat, SLACK_SETTINGS],
})
export class ChatModule {}
