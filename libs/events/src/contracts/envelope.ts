import { z } from 'zod';

/** Who caused an event: a person (their login) or a service (`service:<name>`). */
export const ActorSchema = z.string().min(1);

/** The envelope every event travels in; `data` is validated by the event type's own schema. */
export const EnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  requestId: z.string().min(1),
  actor: ActorSchema,
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
