import { z } from 'zod';
import { ValidationError, actsAsItself, parseInput } from '@jit/platform';

describe('the one 400 for bad input', () => {
  const Body = z.strictObject({ applicationId: z.string().min(1), durationMinutes: z.number().int().positive() });

  it('names every bad field in the message and in details.issues', () => {
    let error: unknown;
    try {
      parseInput(Body, { applicationId: '', durationMinutes: -1 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const { message, details } = error as ValidationError;
    expect(message).toMatch(/^applicationId: .+; durationMinutes: .+$/);
    expect((details as { issues: { field: string }[] }).issues.map((i) => i.field)).toEqual(['applicationId', 'durationMinutes']);
  });

  it('names unknown keys, a single named input, and the whole input when there is no field', () => {
    expect(() => parseInput(Body, { applicationId: 'a', durationMinutes: 1, admin: true })).toThrow(/^admin: /);
    expect(() => parseInput(z.uuid(), 'nope', { field: 'Idempotency-Key' })).toThrow(/^Idempotency-Key: /);
    expect(() => parseInput(Body, 'text', { where: '(query)' })).toThrow(/^\(query\): /);
  });

  it('returns the parsed value when it is valid', () => {
    expect(parseInput(Body, { applicationId: 'a', durationMinutes: 5 })).toEqual({ applicationId: 'a', durationMinutes: 5 });
  });
});

describe('a broken limit names the limit', () => {
  const Body = z.object({
    comment: z.string().max(2000).optional(),
    name: z.string().min(3).optional(),
    login: z.string().min(1).optional(),
    scopes: z.array(z.string()).min(1).max(2).optional(),
    stage: z.number().int().min(0).max(100).optional(),
  });
  const messageOf = (input: unknown): string => {
    try {
      parseInput(Body, input);
    } catch (error) {
      return (error as ValidationError).message;
    }
    return 'accepted';
  };

  it.each([
    [{ comment: 'x'.repeat(2001) }, 'comment: must be at most 2000 characters'],
    [{ name: 'ab' }, 'name: must be at least 3 characters'],
    [{ login: '' }, 'login: must not be empty'],
    [{ scopes: [] }, 'scopes: must have at least 1 item'],
    [{ scopes: ['a', 'b', 'c'] }, 'scopes: must have at most 2 items'],
    [{ stage: 101 }, 'stage: must be at most 100'],
    [{ stage: -1 }, 'stage: must be at least 0'],
  ])('%j is refused with "%s"', (input, message) => {
    expect(messageOf(input)).toBe(message);
  });

  it("leaves a schema's own message for its limit as it is", () => {
    expect(() => parseInput(z.string().max(3, 'too long for a code'), 'abcd', { field: 'code' })).toThrow(/^code: too long for a code$/);
  });
});

describe('who is calling', () => {
  it('an API key that names nobody acts as itself; one acting for a person, and a person, do not', () => {
    expect(actsAsItself({ via: 'api_key', apiKey: 'ops', scopes: [], subject: 'apikey:ops', mayActOnBehalf: true })).toBe(true);
    expect(
      actsAsItself({
        via: 'api_key',
        apiKey: 'ops',
        scopes: [],
        subject: 'alice@example.com',
        onBehalfOf: 'alice@example.com',
        mayActOnBehalf: true,
      }),
    ).toBe(false);
    expect(actsAsItself({ via: 'oidc', subject: 'alice@example.com' })).toBe(false);
  });
});

describe('control characters are refused before any schema runs', () => {
  const Body = z.object({ justification: z.string(), applicationId: z.string() });
  const fieldsOf = (run: () => unknown): string[] => {
    try {
      run();
    } catch (error) {
      return ((error as ValidationError).details as { issues: { field: string }[] }).issues.map((i) => i.field);
    }
    return [];
  };

  it('a NUL byte anywhere in a body is a 400 naming its field, even where the schema would take any string', () => {
    expect(fieldsOf(() => parseInput(Body, { justification: 'INC-1\u0000', applicationId: 'a' }))).toEqual(['justification']);
    expect(fieldsOf(() => parseInput(z.unknown(), { a: [{ b: 'x\u0000' }] }))).toEqual(['a.0.b']);
  });

  it('free text in a body keeps tabs and line breaks, but no other C0 or C1 control', () => {
    expect(parseInput(Body, { justification: 'line one\r\n\tline two', applicationId: 'a' }).justification).toBe('line one\r\n\tline two');
    for (const control of ['\u0001', '\u001b', '\u007f', '\u0085', '\u009b']) {
      expect(fieldsOf(() => parseInput(Body, { justification: `x${control}`, applicationId: 'a' }))).toEqual(['justification']);
    }
  });

  it('a query, a header or a path parameter holds no control at all, not even a tab or a line break', () => {
    expect(fieldsOf(() => parseInput(z.object({ requester: z.string() }), { requester: 'alice\n' }, { where: '(query)' }))).toEqual([
      'requester',
    ]);
    expect(fieldsOf(() => parseInput(z.string(), 'key\t1', { field: 'Idempotency-Key' }))).toEqual(['Idempotency-Key']);
  });

  it('a control character in a key is named, escaped', () => {
    expect(fieldsOf(() => parseInput(z.unknown(), { 'a\u0000b': 1 }))).toEqual(['"a\\u0000b"']);
  });
});
