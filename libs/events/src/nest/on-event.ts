import { EventPattern } from '@nestjs/microservices';
import type { EventType } from '../contracts/registry.js';

/**
 * Marks a method as the handler of one or more event types. It receives the decoded,
 * latest-version event (`@Payload()`) and an `EventContext` (`@Ctx()`) whose `manager` is the
 * handler's transaction.
 */
export function OnEvent(...types: [EventType, ...EventType[]]): MethodDecorator {
  return EventPattern(types.length === 1 ? types[0] : types) as MethodDecorator;
}
