import { ForbiddenError } from '@jit/platform';

/** The requester tried to decide on their own request. */
export class SelfApprovalError extends ForbiddenError {}

/** The caller is not one of the approvers of the request's current stage. */
export class NotAnApproverError extends ForbiddenError {}
