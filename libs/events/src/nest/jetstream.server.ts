import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { JetStreamManager } from '@nats-io/jetstream';
import { isObservable, lastValueFrom } from 'rxjs';
import type { AccessEvent } from '../contracts/registry.js';
import { EventConsumer, type EventConsumerOptions, type EventHandlerFn, type PrepareFn } from '../jetstream/event-consumer.js';
import { ensureConsumer } from '../jetstream/setup.js';
import { EventContext, PrepareContext } from './event-context.js';
import { preparePattern } from './on-event.js';

/** The JetStream transport's options: the consumer's, without the handlers, which come from `@OnEvent` methods. */
export interface JetStreamServerOptions extends Omit<EventConsumerOptions, 'handlers'> {
  manager: JetStreamManager;
}

/**
 * A NestJS transport over a durable JetStream pull consumer. Handlers stay ordinary `@OnEvent`
 * (`@EventPattern`) methods; each runs inside the inbox transaction and its message is acked only
 * after that transaction commits (see `EventConsumer`).
 */
export class JetStreamServer extends Server implements CustomTransportStrategy {
  private consumer?: EventConsumer;

  constructor(private readonly options: JetStreamServerOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const { manager, ...rest } = this.options;
      await ensureConsumer(manager, rest.topology, rest.settings);
      this.consumer = new EventConsumer({ ...rest, handlers: (type) => this.handlerOf(type), preparers: (type) => this.preparerOf(type) });
      await this.consumer.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Stops pulling and waits for handlers in flight. */
  async close(): Promise<void> {
    await this.consumer?.stop();
  }

  on(): never {
    throw new Error('JetStreamServer has no events to subscribe to');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  private handlerOf(type: AccessEvent['type']): EventHandlerFn | undefined {
    const handler = this.getHandlerByPattern(type);
    if (!handler) return undefined;
    return async (event, manager, delivery, prepared) => {
      // The handler's answer (a pipeline outcome) is what tells the consumer to retry or dead-letter.
      const result: unknown = await handler(event, new EventContext([manager, delivery, prepared]));
      return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
    };
  }

  private preparerOf(type: AccessEvent['type']): PrepareFn | undefined {
    const prepare = this.getHandlerByPattern(preparePattern(type));
    if (!prepare) return undefined;
    return async (event, delivery) => {
      const result: unknown = await prepare(event, new PrepareContext([delivery]));
      return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
    };
  }
}
