import { normaliseLogin } from '@jit/events';
import { actsAsItself, ForbiddenError, ValidationError, type Principal } from '@jit/platform';

/** Who a new request is for, in canonical form: the caller, or for an API key with `requests:on-behalf`, the person it names. */
export function requesterOf(principal: Principal, named: string | undefined): string {
  if (named !== undefined) {
    if (principal.via !== 'api_key' || !principal.mayActOnBehalf) {
      throw new ForbiddenError('requester: naming someone else needs an API key with scope requests:on-behalf', {
        scope: 'requests:on-behalf',
      });
    }
    return normaliseLogin(named);
  }
  if (actsAsItself(principal)) {
    throw new ValidationError('requester: an API key must name the person, in the requester field or the On-Behalf-Of header', {
      field: 'requester',
    });
  }
  return normaliseLogin(principal.subject);
}
