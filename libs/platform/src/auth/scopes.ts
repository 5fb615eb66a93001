import { SetMetadata } from '@nestjs/common';

/**
 * What an API key may do. A person signed in through the identity provider is bounded by who they
 * are (the requester, a resolved approver, an auditor), not by scopes; a key is bounded by both.
 */
export const SCOPES = ['requests:create', 'requests:on-behalf', 'requests:read', 'approvals:decide', 'audit:read', 'admin'] as const;

/** One scope an API key can hold. */
export type Scope = (typeof SCOPES)[number];

/** Metadata key under which a route records the scope it needs. */
export const REQUIRED_SCOPE = 'jit:required-scope';

/** States the scope a route needs; an API key without it is answered 403 naming it. */
export const RequireScope = (scope: Scope): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_SCOPE, scope);
