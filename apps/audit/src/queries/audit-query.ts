import { z } from 'zod';
import { LoginSchema, eventTypes } from '@jit/events';
import { MAX_PAGE_SIZE, pageQueryShape } from '@jit/platform';

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
    ...pageQueryShape(),
  })
  .strict();

/** The query of a list that is only paged (a timeline). */
export const PageQuerySchema = z.object(pageQueryShape()).strict();

/** The query of a verification: a page is as many records as one may hold, unless the caller asks for fewer. */
export const VerifyQuerySchema = z.object(pageQueryShape({ defaultLimit: MAX_PAGE_SIZE })).strict();

/** Where a page of records ends: the chain position of its last record. */
export const PositionCursor = z.object({ position: z.number().int().nonnegative() });

/** Where a page of a timeline ends: the stream sequence of its last event. */
export const StreamSeqCursor = z.object({ streamSeq: z.number().int().nonnegative() });

/** The key an access report's pages follow: the grant's time, then its request. */
export const GrantCursor = z.object({ grantedAt: z.iso.datetime(), requestId: z.string().min(1) });

/** Parsed filters of an events query. */
export type EventQuery = z.infer<typeof EventQuerySchema>;

/** Builds the WHERE clause and parameters of an events query (after `afterPosition`); values always travel as parameters. */
export function whereOf(query: EventQuery, afterPosition?: number): { sql: string; params: unknown[] } {
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
  if (afterPosition !== undefined) add('position > ?', afterPosition);
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
