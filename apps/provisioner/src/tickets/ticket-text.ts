import { formatDuration, type RevokeReason } from '@jit/events';
import type { Grant } from '../grants/grant.decider.js';

/** The ticket that records a grant: who gets what for how long, why, and who approved it. */
export function grantTicket(grant: Grant): { summary: string; description: string } {
  const duration = formatDuration(grant.durationSeconds);
  const approval = grant.approvedBy ? `${grant.approvedBy}${grant.approvalComment ? ` (${grant.approvalComment})` : ''}` : 'unknown';
  return {
    summary: `JIT access: ${grant.requester} → ${grant.applicationName} for ${duration}`,
    description: [
      `Requester: ${grant.requester}`,
      `Application: ${grant.applicationName} (${grant.applicationId}), Okta group ${grant.oktaGroupId}`,
      `Duration: ${duration}`,
      `Justification: ${grant.justification}`,
      `Approved by: ${approval}`,
      `Request id: ${grant.requestId}`,
    ].join('\n'),
  };
}

/** The comment that closes a grant's ticket. */
export function revocationComment(reason: RevokeReason, revokedAt: Date): string {
  return `Access revoked (${reason}) at ${revokedAt.toISOString()}; the Okta group membership is removed.`;
}

/** The comment that records an extension of a grant. */
export function extensionComment(by: string, expiresAt: Date): string {
  return `Access extended (approved by ${by}) until ${expiresAt.toISOString()}; the Okta group membership lasts until then.`;
}
