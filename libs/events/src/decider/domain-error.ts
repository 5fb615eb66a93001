/** A broken rule of the domain; each subclass maps to one HTTP status in the exception filter. */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;

  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that does not satisfy its contract (400). */
export class ValidationError extends DomainError {
  readonly status = 400;
  readonly code = 'invalid_request';
}

/** No or bad credentials (401). */
export class UnauthenticatedError extends DomainError {
  readonly status = 401;
  readonly code = 'unauthenticated';
}

/** Authenticated but not allowed (403). */
export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly code = 'forbidden';
}

/** The thing asked for does not exist (404). */
export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly code = 'not_found';
}

/** The request conflicts with the current state (409). */
export class ConflictError extends DomainError {
  readonly status = 409;
  readonly code = 'conflict';
}

/** A system the answer depends on cannot be reached now; the caller may try again (503). */
export class UnavailableError extends DomainError {
  readonly status = 503;
  readonly code = 'unavailable';
}
