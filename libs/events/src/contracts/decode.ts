import { EnvelopeSchema, type Envelope } from './envelope.js';
import { eventRegistry, type AccessEvent, type EventRegistry } from './registry.js';

/** The outcome of decoding an incoming message: the typed event, or why it was refused. */
export type Decoded<E = AccessEvent> = { ok: true; event: E } | { ok: false; reason: string };

/**
 * Validates an envelope and its data against the registry, lifting older versions to the latest
 * through the registered upcasters, so handlers only ever see the latest shape.
 */
export function decodeEvent<E = AccessEvent>(raw: unknown, registry: EventRegistry = eventRegistry): Decoded<E> {
  const envelope = EnvelopeSchema.safeParse(raw);
  if (!envelope.success) return { ok: false, reason: `invalid envelope: ${describe(envelope.error.issues)}` };
  const { type, version } = envelope.data;
  const definition = Object.hasOwn(registry, type) ? registry[type] : undefined;
  if (!definition) return { ok: false, reason: `unknown event type "${type}"` };
  const schema = definition.versions[version];
  if (!schema || version > definition.latest) {
    return { ok: false, reason: `unknown version ${version} of "${type}"` };
  }
  const original = schema.safeParse(envelope.data.data);
  if (!original.success) return { ok: false, reason: `invalid ${type} v${version} data: ${describe(original.error.issues)}` };
  let data: unknown = original.data;
  for (let v = version; v < definition.latest; v++) {
    const upcast = definition.upcasters[v];
    if (!upcast) return { ok: false, reason: `no upcaster from v${v} of "${type}"` };
    data = upcast(data);
  }
  const latest = definition.schema.safeParse(data);
  if (!latest.success) return { ok: false, reason: `upcast ${type} data is invalid: ${describe(latest.error.issues)}` };
  const event: Envelope = { ...envelope.data, version: definition.latest, data: latest.data };
  return { ok: true, event: event as E };
}

/** Validates an event before it is published; throws with the reason when it is not valid. */
export function assertPublishable(event: Envelope): void {
  const decoded = decodeEvent(event);
  if (!decoded.ok) throw new InvalidEventError(decoded.reason);
}

/** Raised when code tries to publish an event that does not match its contract. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

function describe(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}
