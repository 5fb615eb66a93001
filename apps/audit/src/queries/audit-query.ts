import { z } from 'zod';
import { LoginSchema, eventTypes } from '@jit/events';

const isoDate = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time, e.g. 2026-01-01T00:00:00Z' });

/** The filters of `GET /v1/audit/events`. */
export const EventQuerySchema = z
  .object({
    requestId: z.string().min(1).optional(),
    requester: LoginSchema.optional(),
    applicationId: z.string().min(1).optional(),
    type: z.enum(eventTypes as [string, ...string[]], { error: `expected one of ${eventTypes.join(', ')}` }).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    cursor: z.coerce.number().int().nonnegative({ error: 'expected the nextCursor of a previous page' }).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** Parsed filters of an events query. */
export type EventQuery = z.infer<typeof EventQuerySchema>;

/** Builds the WHERE clause and parameters of an events query; values always travel as parameters. */
export function whereOf(query: EventQuery): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if (query.requestId) add('request_id = ?', query.requestId);
  // Stored as published: events from before logins were canonical may spell the requester in any case.
  if (query.requester) add('lower(requester) = ?', query.requester);
  if (query.applicationId) add('application_id = ?', query.applicationId);
  if (query.type) add('type = ?', query.type);
  if (query.from) add('occurred_at >= ?', query.from);
  if (query.to) add('occurred_at < ?', query.to);
  if (query.cursor !== undefined) add('position > ?', query.cursor);
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
