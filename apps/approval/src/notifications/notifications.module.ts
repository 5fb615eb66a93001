import { Module } from '@nestjs/common';
import { Chat, NoChat } from '../slack/chat.js';
import { ChatModule } from '../slack/chat.module.js';
import { NotificationOutbox } from './notification-outbox.js';
import { NotificationRelay } from './notification-relay.js';

/** The notification outbox approvals write to, and the relay that sends it to the chat. */
@Module({
  imports: [ChatModule],
  providers: [
    // Without a chat there is nobody to tell: nothing is recorded.
    { provide: NotificationOutbox, useFactory: (chat: Chat) => new NotificationOutbox(!(chat instanceof NoChat)), inject: [Chat] },
    NotificationRelay,
  ],
  exports: [NotificationOutbox],
})
export class NotificationsModule {}
