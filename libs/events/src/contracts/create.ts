import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Via } from './envelope.js';
import { eventRegistry, type AccessEvent, type EventData, type EventType } from './registry.js';

/** What a decider returns: the type and data of an event, before ids and time are stamped on it. */
export type EventDraft<T extends EventType = EventType> = { [K in T]: { type: K; data: EventData<K> } }[T];

/** Where an event comes from: the request it belongs to, who caused it and the event that led to it. */
export interface EventOrigin {
  requestId: string;
  actor: string;
  /** The credential the actor acted through, when it is worth recording (an API key acting for a person, Slack). */
  via?: Via;
  /** The event being handled when this one was decided; its correlation id carries over. */
  cause?: AccessEvent;
}

/** Stamps a draft with a fresh id, the clock's time and its causal links. */
export function createEvent<T extends EventType>(draft: EventDraft<T>, origin: EventOrigin, clock: Clock): AccessEvent<T> {
  const id = randomUUID();
  return {
    id,
    type: draft.type,
    version: eventRegistry[draft.type].latest,
    occurredAt: clock.now().toISOString(),
    requestId: origin.requestId,
    actor: origin.actor,
    ...(origin.via ? { via: origin.via } : {}),
    correlationId: origin.cause?.correlationId ?? origin.requestId,
    causationId: origin.cause?.id ?? null,
    data: draft.data,
  } as AccessEvent<T>;
}
