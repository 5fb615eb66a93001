import { z } from 'zod';
import { MAX_PAGE_SIZE, ValidationError, decodeCursor, encodeCursor, pageOf, pageQueryShape, parseInput } from '@jit/platform';

describe('one paging shape for every list', () => {
  const Query = z.object(pageQueryShape({ defaultLimit: 50 }));

  it('a limit over the largest page is the 400 naming limit', () => {
    expect(() => parseInput(Query, { limit: String(MAX_PAGE_SIZE + 1) }, { where: '(query)' })).toThrow(/^limit: must be at most 1000/);
    expect(() => parseInput(Query, { limit: '0' }, { where: '(query)' })).toThrow(/^limit: /);
    expect(parseInput(Query, {}, { where: '(query)' })).toEqual({ limit: 50 });
  });

  it('a cursor over its length limit is the 400 naming cursor and the limit', () => {
    expect(() => parseInput(Query, { cursor: 'c'.repeat(513) }, { where: '(query)' })).toThrow(/^cursor: must be at most 512 characters$/);
  });

  it('a list may choose a smaller maximum, never a larger one', () => {
    expect(() => parseInput(z.object(pageQueryShape({ maxLimit: 10 })), { limit: '11' })).toThrow(/^limit: must be at most 10 /);
    expect(() => parseInput(z.object(pageQueryShape({ maxLimit: 5000 })), { limit: '1001' })).toThrow(/^limit: must be at most 1000 /);
  });

  it('a full page is followed by a next cursor only when a further row exists', () => {
    expect(pageOf([1, 2, 3], 3, (n) => n)).toEqual({ items: [1, 2, 3], nextCursor: null });
    const page = pageOf([1, 2, 3, 4], 3, (n) => ({ after: n }));
    expect(page.items).toEqual([1, 2, 3]);
    expect(decodeCursor(z.object({ after: z.number() }), page.nextCursor ?? undefined)).toEqual({ after: 3 });
  });

  it('a cursor this API did not hand out is the 400 naming cursor', () => {
    const Key = z.object({ after: z.number() });
    expect(() => decodeCursor(Key, 'not-a-cursor')).toThrow(ValidationError);
    expect(() => decodeCursor(Key, encodeCursor({ after: 'x' }))).toThrow(/^cursor: /);
    expect(decodeCursor(Key, undefined)).toBeUndefined();
  });
});
