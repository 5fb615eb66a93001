import { PIPES_METADATA } from '@nestjs/common/constants.js';
import type { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { API_ROUTE, ApiRoute, ValidationError } from '../src/index.js';

const Body = z.object({ decision: z.enum(['approve', 'deny']) });
const Query = z.object({ limit: z.coerce.number().int().max(10).optional() });

class Example {
  @ApiRoute({ summary: 'decide', body: Body, query: Query, params: { id: z.uuid() }, response: { description: 'ok' } })
  decide(): void {}
}

const pipe = (Reflect.getMetadata(PIPES_METADATA, Example.prototype.decide) as PipeTransform[])[0];

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details;
  }
  throw new Error('expected a 400');
}

describe('@ApiRoute', () => {
  it('records the very schemas it documents', () => {
    expect(Reflect.getMetadata(API_ROUTE, Example.prototype.decide)).toMatchObject({ body: Body, query: Query });
  });

  it('refuses a body, query or path parameter its schema refuses, naming the field', () => {
    expect(refusal(() => pipe.transform({ decision: 'maybe' }, { type: 'body' }))).toEqual({
      issues: [expect.objectContaining({ field: 'decision' })],
    });
    expect(refusal(() => pipe.transform({ limit: '11' }, { type: 'query' }))).toEqual({
      issues: [expect.objectContaining({ field: 'limit' })],
    });
    expect(refusal(() => pipe.transform('not-a-uuid', { type: 'param', data: 'id' }))).toEqual({
      issues: [expect.objectContaining({ field: 'id' })],
    });
    expect(refusal(() => pipe.transform(undefined, { type: 'body' }))).toEqual({
      issues: [expect.objectContaining({ field: 'decision' })],
    });
  });

  it('hands the handler its input untouched, and leaves what it does not document alone', () => {
    const query = { limit: '3' };
    expect(pipe.transform(query, { type: 'query' })).toBe(query);
    expect(pipe.transform('anything', { type: 'param', data: 'other' })).toBe('anything');
    expect(pipe.transform({ principal: 1 }, { type: 'custom' })).toEqual({ principal: 1 });
  });
});
