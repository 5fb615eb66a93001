import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@jit/platform';
import { slackSettingsOf, type ApprovalConfig } from '../config.js';
import { Chat, NoChat } from './chat.js';
import { ChatNotificationRelay } from './chat-notification-relay.js';
import { ChatNotifications } from './chat-notifications.js';
import { SlackChat } from './slack-chat.js';

/**
 * Provides the `Chat` port (Slack when SLACK_BOT_TOKEN is set, else a no-op), the notification
 * outbox that approvals write to, and its relay. `SlackChat` is null without Slack.
 */
@Module({
  providers: [
    {
      provide: SlackChat,
      useFactory: (config: ApprovalConfig) => {
        const slack = slackSettingsOf(config);
        return slack ? new SlackChat({ token: slack.token, apiUrl: slack.apiUrl }) : null;
      },
      inject: [SERVICE_CONFIG],
    },
    { provide: Chat, useFactory: (slack: SlackChat | null) => slack ?? new NoChat(), inject: [SlackChat] },
    { provide: ChatNotifications, useFactory: (slack: SlackChat | null) => new ChatNotifications(slack !== null), inject: [SlackChat] },
    ChatNotificationRelay,
  ],
  exports: [Chat, SlackChat, ChatNotifications],
})
export class ChatModule {}
