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

/** The pattern a preparation of an event type is registered under. */
export function preparePattern(type: EventType): string {
  return `prepare:${type}`;
}

/**
 * Marks a method that prepares the handling of an event type with no transaction open (a vendor
 * lookup, say). It receives the event (`@Payload()`); what it returns reaches the `@OnEvent`
 * handler as `ctx.prepared`. A failure retries the event like a failing handler.
 */
export function PrepareEvent(type: EventType): MethodDecorator {
  return EventPattern(preparePattern(type)) as MethodDecorator;
}
