import { BaseRpcContext } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import type { Delivery } from '../jetstream/event-consumer.js';

/** What an event handler gets besides the event: the transaction to write in and where the event came from. */
export class EventContext extends BaseRpcContext<[EntityManager, Delivery, unknown?]> {
  /** The transaction that also records the event in the inbox; write every effect through it. */
  get manager(): EntityManager {
    return this.args[0];
  }

  get delivery(): Delivery {
    return this.args[1];
  }

  /** What the event type's `@PrepareEvent` method returned, before the transaction opened. */
  get prepared(): unknown {
    return this.args[2];
  }
}

/** What a `@PrepareEvent` method gets besides the event: where it came from. It has no transaction on purpose. */
export class PrepareContext extends BaseRpcContext<[Delivery]> {
  get delivery(): Delivery {
    return this.args[0];
  }
}
