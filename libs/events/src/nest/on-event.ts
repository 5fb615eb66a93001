import { EventPattern } from '@nestjs/microservices';
import type { EventType } from '../contracts/registry.js';

/**
 * Marks a method as the handler of one event type. It receives the decoded, latest-version event
 * (`@Payload()`) and an `EventContext` (`@Ctx()`) whose `manager` is the handler's transaction.
 */
export function OnEvent(type: EventType): MethodDecorator {
  return EventPattern(type) as MethodDecorator;
}
