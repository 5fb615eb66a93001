import { ForbiddenError, actsAsItself, type Principal } from '@jit/platform';

/**
 * Reconciliation touches every managed group at once, so it is an operator's tool: only an API key
 * acting as itself may run it or read its findings, never a person, nor a key acting for one.
 */
export function assertOperator(principal: Principal): void {
  const who = principal.via === 'oidc' ? principal.subject : `API key ${principal.apiKey} acting for ${principal.subject}`;
  if (!actsAsItself(principal)) {
    throw new ForbiddenError(`${who} may not use reconciliation: only an API key acting as itself (an operator's tool) may`);
  }
}
