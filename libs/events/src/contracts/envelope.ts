import { z } from 'zod';

/** Who caused an event: a person (their login) or a service (`service:<name>`). */
export const ActorSchema = z.string().min(1);

/**
 * The credential an event was caused through, when it is not the person themself: an API key
 * acting for them, or the channel a person used (Slack, the web app, a bearer token). Optional, so
 * events published before it existed read unchanged.
 */
export const ViaSchema = z.object({
  kind: z.enum(['api_key', 'token', 'slack', 'web']),
  /** The API key's name, for `api_key`. */
  name: z.string().min(1).max(200).optional(),
});

/** The credential an event was caused through. */
export type Via = z.infer<typeof ViaSchema>;

/** The envelope every event travels in; `data` is validated by the event type's own schema. */
export const EnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  requestId: z.string().min(1),
  actor: ActorSchema,
  via: ViaSchema.optional(),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
  data: z.unknown(),
});

/** An envelope whose `data` is still unchecked. */
export type RawEnvelope = z.infer<typeof EnvelopeSchema>;

/** An envelope of a known type with its typed data. */
export interface Envelope<T extends string = string, D = unknown> extends Omit<RawEnvelope, 'type' | 'data'> {
  type: T;
  data: D;
}
