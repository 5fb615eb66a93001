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
