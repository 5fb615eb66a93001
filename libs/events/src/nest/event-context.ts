import { BaseRpcContext } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import type { Delivery } from '../jetstream/event-consumer.js';

/** What an event handler gets besides the event: the transaction to write in and where the event came from. */
export class EventContext extends BaseRpcContext<[EntityManager, Delivery]> {
  /** The transaction that also records the event in the inbox; write every effect through it. */
  get manager(): EntityManager {
    return this.args[0];
  }

  get delivery(): Delivery {
    return this.args[1];
  }
}
