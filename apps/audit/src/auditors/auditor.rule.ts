import { sameLogin } from '@jit/events';
import { actsAsItself, type Principal } from '@jit/platform';

/** Auditors are the people listed in `AUDITORS` and API keys acting as themselves (operators' tools). */
export function isAuditor(principal: Principal, auditors: readonly string[]): boolean {
  return actsAsItself(principal) || auditors.some((auditor) => sameLogin(auditor, principal.subject));
}
