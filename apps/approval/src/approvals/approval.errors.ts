import { DomainError, ForbiddenError } from '@jit/platform';

/** The requester tried to decide on their own request. */
export class SelfApprovalError extends ForbiddenError {}

/** An API key tried to decide a request it asked for (for anyone): one key never both requests and approves. */
export class SameKeyError extends ForbiddenError {}

/** The caller is not one of the approvers of the request's current stage. */
export class NotAnApproverError extends ForbiddenError {}

/** The caller already approved an earlier stage of the request; each stage needs a different person. */
export class OneStagePerPersonError extends DomainError {
  readonly status = 403;
  readonly code = 'one_stage_per_person';
}

/** The answer was for a stage that is no longer open (an old Slack button, a stale page); it changed nothing. */
export class StaleStageError extends DomainError {
  readonly status = 409;
  readonly code = 'stale_stage';
}
