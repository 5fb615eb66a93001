import { decodeEvent, eventRegistry, type AccessEvent, type EventRegistry } from '@jit/events';

/**
 * Reads a recorded event as the latest version of its type, through the registry's upcasters, so
 * a row written years ago reads like one written today. Every row was valid when recorded; one
 * that no longer decodes means a published version was changed, which is a bug, not bad input.
 */
export function readStoredEvent(raw: unknown, registry: EventRegistry = eventRegistry): AccessEvent {
  const decoded = decodeEvent(raw, registry);
  if (!decoded.ok) throw new Error(`a recorded event no longer decodes: ${decoded.reason}`);
  return decoded.event;
}
