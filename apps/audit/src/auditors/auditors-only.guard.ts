import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ForbiddenError, SERVICE_CONFIG, type AuthenticatedRequest } from '@jit/platform';
import type { AuditConfig } from '../audit.config.js';
import { isAuditor } from './auditor.rule.js';

/** Lets only auditors through; it runs after the global guard has authenticated the caller. */
@Injectable()
export class AuditorsOnly implements CanActivate {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: AuditConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!isAuditor(principal, this.config.AUDITORS)) throw new ForbiddenError(`${principal.subject} is not an auditor`);
    return true;
  }
}
