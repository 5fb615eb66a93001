import { z } from 'zod';
import { ValidationError } from './errors.js';

/** The page size a list answers with when the caller names none. */
export const DEFAULT_PAGE_SIZE = 100;
/** The largest page any list answers with; a larger `limit` is a 400 naming it. */
export const MAX_PAGE_SIZE = 1000;

/**
 * The `cursor` and `limit` of every paged list, to spread into its query schema. A list may choose
 * a smaller default or maximum (a costlier page), never a larger maximum than `MAX_PAGE_SIZE`.
 */
export function pageQueryShape(options: { defaultLimit?: number; maxLimit?: number } = {}) {
  const max = Math.min(options.maxLimit ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  return {
    cursor: z.string().min(1, 'must not be empty').max(512).optional(),
    limit: z.coerce
      .number({ error: 'expected a number' })
      .int('expected a whole number')
      .min(1, 'must be at least 1')
      .max(max, `must be at most ${max} (the largest page)`)
      .default(Math.min(options.defaultLimit ?? DEFAULT_PAGE_SIZE, max)),
  };
}

/** One page of a list: its items and the cursor of the next page, `null` on the last. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Cuts one page from rows read with `LIMIT limit + 1`: the extra row only tells that a next page
 * exists, so a last page that happens to be full is not followed by an empty one.
 */
export function pageOf<T>(rows: readonly T[], limit: number, keyOf: (row: T) => unknown): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

/** The cursor naming a position in a list: the sort key of the last row seen, opaque to callers. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Reads a cursor this API handed out; anything else is the 400 naming `cursor`. */
export function decodeCursor<S extends z.ZodType>(schema: S, cursor: string | undefined): z.output<S> | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const parsed = schema.safeParse(key);
  if (parsed.success) return parsed.data;
  const message = 'is not a cursor of this list (use the nextCursor of a previous page)';
  throw new ValidationError(`cursor: ${message}`, { issues: [{ field: 'cursor', message }] });
}
