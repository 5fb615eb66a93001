import { ValidationError } from '@jit/platform';
import { parseIdempotencyKey, parseSubmit } from '../src/requests/request.input.js';

const body = { applicationId: 'wiki', duration: '1h', justification: 'INC-9' };

/** The message of the 400 that `run` throws. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.message;
    throw error;
  }
  throw new Error('no 400 was thrown');
}

describe('the messages of a request body', () => {
  it('a justification over 2000 characters says the limit, not that it is required', () => {
    expect(refusal(() => parseSubmit({ ...body, justification: 'x'.repeat(2001) }))).toBe('justification: must be at most 2000 characters');
    expect(parseSubmit({ ...body, justification: 'x'.repeat(2000) }).justification).toHaveLength(2000);
  });

  it('a missing or mistyped field still says what is expected of it', () => {
    expect(refusal(() => parseSubmit({ ...body, justification: undefined }))).toBe('justification: is required (why you need the access)');
    expect(refusal(() => parseSubmit({ ...body, justification: 42 }))).toBe('justification: is required (why you need the access)');
    expect(refusal(() => parseSubmit({ ...body, justification: '  ' }))).toBe('justification: must not be empty');
    expect(refusal(() => parseSubmit({ ...body, applicationId: undefined }))).toBe(
      'applicationId: is required (the id of an application in GET /v1/applications)',
    );
  });

  it('an Idempotency-Key over 255 characters says the limit', () => {
    expect(refusal(() => parseIdempotencyKey('k'.repeat(256)))).toBe('Idempotency-Key: must be at most 255 characters');
  });
});
