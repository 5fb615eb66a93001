/**
 * Thrown by a handler for an event it can never apply (a broken invariant, not an outage): the
 * event goes straight to the dead-letter subject instead of being retried.
 */
export class NonRetryableEventError extends Error {
  override name = 'NonRetryableEventError';
}
