import { ForbiddenError } from '@jit/platform';

/** The requester tried to decide on their own request. */
export class SelfApprovalError extends ForbiddenError {}

/** An API key tried to decide a request it asked for (for anyone): one key never both requests and approves. */
export class SameKeyError extends ForbiddenError {}

/** The caller is not one of the approvers of the request's current stage. */
export class NotAnApproverError extends ForbiddenError {}
