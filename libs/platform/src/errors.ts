export { DomainError, ValidationError, UnauthenticatedError, ForbiddenError, NotFoundError, ConflictError } from '@jit/events';
