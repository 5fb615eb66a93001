import type { AccessEvent, RevokeReason } from '@jit/events';
import type { Grant } from './grant.decider.js';

/** A duration as people write it: 2h, 45m, 1h30m. */
export function formatDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const parts = [hours && `${hours}h`, minutes && `${minutes}m`, rest && `${rest}s`].filter(Boolean);
  return parts.length > 0 ? parts.join('') : '0s';
}

/** The ticket that records a grant: who gets what for how long, why, and who approved it. */
export function grantTicket(grant: Grant, approval: AccessEvent<'approved'>): { summary: string; description: string } {
  const duration = formatDuration(grant.durationSeconds);
  return {
    summary: `JIT access: ${grant.requester} → ${grant.applicationName} for ${duration}`,
    description: [
      `Requester: ${grant.requester}`,
      `Application: ${grant.applicationName} (${grant.applicationId}), Okta group ${grant.oktaGroupId}`,
      `Duration: ${duration}`,
      `Justification: ${grant.justification}`,
      `Approved by: ${approval.data.approver}${approval.data.comment ? ` (${approval.data.comment})` : ''}`,
      `Request id: ${grant.requestId}`,
    ].join('\n'),
  };
}

/** The comment that closes a grant's ticket. */
export function revocationComment(reason: RevokeReason, revokedAt: Date): string {
  return `Access revoked (${reason}) at ${revokedAt.toISOString()}; the Okta group membership is removed.`;
}
