import { z } from 'zod';
import { LoginSchema, normaliseLogin } from '@jit/events';
import { pageQueryShape, parseInput, typeMessage } from '@jit/platform';
import { DURATION_FORMAT, parseDuration } from '@jit/catalog';
import { requestStatuses, type RequestStatus } from './request.decider.js';

/** A `POST /v1/requests` body once its shape is checked; the rules come later, in the decider. */
export interface SubmitInput {
  applicationId: string;
  durationSeconds: number;
  justification: string;
  requester?: string;
}

/** The filters and the page of `GET /v1/requests`. */
export interface ListFilter {
  requester?: string;
  status?: RequestStatus;
  cursor?: string;
  limit: number;
}

const requesterError = 'expected the login (e-mail) of the person who needs the access';

/** The `POST /v1/requests` body: validates it and documents it (OpenAPI). */
export const SubmitBody = z
  .object(
    {
      applicationId: z
        .string({ error: typeMessage('is required (the id of an application in GET /v1/applications)') })
        .trim()
        .min(1, 'must not be empty'),
      duration: z.string({ error: typeMessage(`expected ${DURATION_FORMAT}`) }).optional(),
      durationMinutes: z.number({ error: 'expected a number of minutes' }).positive('must be positive').optional(),
      justification: z
        .string({ error: typeMessage('is required (why you need the access)') })
        .trim()
        .min(1, 'must not be empty')
        .max(2000),
      requester: z
        .string({ error: typeMessage(requesterError) })
        .trim()
        .pipe(z.email({ error: requesterError }))
        .transform(normaliseLogin)
        .optional(),
    },
    { error: 'the body must be a JSON object' },
  )
  .transform((body, ctx): SubmitInput => {
    const durationSeconds = durationOf(body, ctx);
    return { applicationId: body.applicationId, durationSeconds, justification: body.justification, requester: body.requester };
  });

/** A `POST /v1/requests/:id/extend` body once its shape is checked. */
export interface ExtendInput {
  durationSeconds: number;
  justification: string;
}

/** The `POST /v1/requests/:id/extend` body: how much longer, and why. */
export const ExtendBody = z
  .object(
    {
      duration: z.string({ error: typeMessage(`expected ${DURATION_FORMAT}`) }).optional(),
      durationMinutes: z.number({ error: 'expected a number of minutes' }).positive('must be positive').optional(),
      justification: z
        .string({ error: typeMessage('is required (why you need more time)') })
        .trim()
        .min(1, 'must not be empty')
        .max(2000),
    },
    { error: 'the body must be a JSON object' },
  )
  .transform((body, ctx): ExtendInput => ({ durationSeconds: durationOf(body, ctx), justification: body.justification }));

/** Checks a `POST /v1/requests/:id/extend` body. */
export function parseExtend(body: unknown): ExtendInput {
  return parseInput(ExtendBody, body ?? {});
}

function durationOf(body: { duration?: string; durationMinutes?: number }, ctx: z.RefinementCtx): number {
  if (body.duration !== undefined && body.durationMinutes !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['duration'], message: 'give either duration or durationMinutes, not both' });
    return z.NEVER;
  }
  if (body.durationMinutes !== undefined) return Math.round(body.durationMinutes * 60);
  const seconds = body.duration === undefined ? undefined : parseDuration(body.duration);
  if (seconds === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['duration'],
      message: body.duration === undefined ? `is required: ${DURATION_FORMAT}` : `"${body.duration}" is not ${DURATION_FORMAT}`,
    });
    return z.NEVER;
  }
  return seconds;
}

/** The query of `GET /v1/requests`: validates it and documents it (OpenAPI). */
export const ListQuery = z.object({
  requester: LoginSchema.optional(),
  status: z.enum(requestStatuses, { error: `expected one of ${requestStatuses.join(', ')}` }).optional(),
  ...pageQueryShape(),
});

/** The `Idempotency-Key` header: validates it and documents it (OpenAPI). */
export const IdempotencyKey = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** Checks a `POST /v1/requests` body. */
export function parseSubmit(body: unknown): SubmitInput {
  return parseInput(SubmitBody, body ?? {});
}

/** Checks the query of `GET /v1/requests`. */
export function parseListFilter(query: unknown): ListFilter {
  return parseInput(ListQuery, query, { where: '(query)' });
}

/** Checks an `Idempotency-Key` header, if one was sent. */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  return header === undefined ? undefined : parseInput(IdempotencyKey, header, { field: 'Idempotency-Key' });
}

/** Checks a request id from the path; anything but a uuid cannot name a request. */
export function isRequestId(id: string): boolean {
  return z.uuid().safeParse(id).success;
}
