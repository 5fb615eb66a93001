import { normaliseLogin, sameLogin } from '@jit/events';
import { ForbiddenError, type Principal } from '@jit/platform';

// Who may see which request: a person sees their own requests; an API key (an operator's tool, or a
// trusted front end acting for people) sees every request. Commands on a request follow the same rule.

/** Whether the caller may see, and act on, a request of this requester. */
export function maySee(principal: Principal, requester: string): boolean {
  return principal.via === 'api_key' || sameLogin(requester, principal.subject);
}

/** The requester a listing is limited to, in canonical form: a person's own login, or what an API key asked for (everyone when nothing). */
export function listedRequester(principal: Principal, asked: string | undefined): string | undefined {
  if (principal.via === 'api_key') return asked === undefined ? undefined : normaliseLogin(asked);
  if (asked !== undefined && !sameLogin(asked, principal.subject))
    throw new ForbiddenError('requester: you may only list your own requests');
  return normaliseLogin(principal.subject);
}
