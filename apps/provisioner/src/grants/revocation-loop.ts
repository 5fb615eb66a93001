import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock, Outbox, createEvent, type RevokeReason } from '@jit/events';
import { PeriodicTask, SERVICE_CONFIG } from '@jit/platform';
import { IDENTITY_PROVIDER, type IdentityProvider } from '../okta/identity-provider.js';
import { TICKETING, type Ticketing } from '../jira/ticketing.js';
import type { ProvisionerConfig } from '../provisioner.config.js';
import { decide, type Backoff, type Grant, type GrantCommand } from './grant.decider.js';
import { claimDueRevocation, claimDueTicketFollowUp, saveGrant, saveTicketProgress, type TicketProgress } from './grant.store.js';
import { PROVISIONER_ACTOR } from './granting.js';
import { revocationComment } from './ticket-text.js';

/** Grants (and tickets) worked through per tick; the rest wait for the next tick. */
const BATCH_SIZE = 50;

/**
 * Revokes grants marked `revoking`: removes the Okta membership, closes the Jira ticket, and
 * commits `revoked` with the grant. A failed attempt commits `revoke_failed` and is tried again
 * with exponential backoff, for as long as it takes: access never outlives its grant. Jira is a
 * record, not access, so a Jira failure never holds a revocation back; its ticket is retried on
 * its own.
 */
@Injectable()
export class RevocationLoop extends PeriodicTask {
  private readonly backoff: Backoff;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(IDENTITY_PROVIDER) private readonly idp: IdentityProvider,
    @Inject(TICKETING) private readonly ticketing: Ticketing,
    @Inject(SERVICE_CONFIG) private readonly config: ProvisionerConfig,
  ) {
    super();
    this.backoff = { baseMs: config.REVOKE_BACKOFF_BASE_MS, maxMs: config.REVOKE_BACKOFF_MAX_MS };
  }

  protected get intervalMs(): number {
    return this.config.REVOKE_TICK_MS;
  }

  /** Works through due revocations, then due ticket follow-ups. */
  async tick(): Promise<void> {
    for (let i = 0; i < BATCH_SIZE && (await this.revokeOne()); i += 1);
    for (let i = 0; i < BATCH_SIZE && (await this.followUpOneTicket()); i += 1);
  }

  /** One attempt at one due revocation; false when none is due. The row stays locked while the vendors are called. */
  private revokeOne(): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const grant = await claimDueRevocation(manager, this.clock.now());
      if (!grant) return false;
      try {
        await this.removeAccess(grant);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.logger.warn({ requestId: grant.requestId, attempt: grant.attempts + 1, err: error }, 'revocation attempt failed; will retry');
        await this.apply(manager, grant, { kind: 'fail_revocation', error: message, backoff: this.backoff });
        return true;
      }
      const revokedAt = await this.apply(manager, grant, { kind: 'confirm_revocation' });
      if (grant.ticketKey) {
        const progress = await this.closeTicket(grant.ticketKey, grant.revokeReason ?? 'admin', revokedAt, {
          commented: false,
          attempts: 0,
        });
        await saveTicketProgress(manager, grant.requestId, progress);
      }
      this.logger.log({ requestId: grant.requestId, reason: grant.revokeReason, ticketKey: grant.ticketKey }, 'access revoked');
      return true;
    });
  }

  private async removeAccess(grant: Grant): Promise<void> {
    const userId = grant.oktaUserId ?? (await this.idp.findUserId(grant.requester));
    // A user who no longer exists in Okta holds no membership.
    if (userId) await this.idp.removeFromGroup(userId, grant.oktaGroupId);
  }

  private async apply(manager: EntityManager, grant: Grant, command: GrantCommand): Promise<Date> {
    const now = this.clock.now();
    const decision = decide(command, grant, now);
    if (decision.kind !== 'apply') throw new Error(`cannot ${command.kind} ${grant.requestId}: ${decision.reason}`);
    await saveGrant(manager, decision.grant, now);
    const events = decision.events.map((draft) => createEvent(draft, { requestId: grant.requestId, actor: PROVISIONER_ACTOR }, this.clock));
    await this.outbox.enqueue(manager, events);
    return now;
  }

  /** One more try at closing the ticket of a revoked grant; false when none is due. */
  private followUpOneTicket(): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const followUp = await claimDueTicketFollowUp(manager, this.clock.now());
      if (!followUp) return false;
      const progress = await this.closeTicket(followUp.ticketKey, followUp.revokeReason, followUp.revokedAt, followUp);
      await saveTicketProgress(manager, followUp.requestId, progress);
      return true;
    });
  }

  /** Comments on and closes a ticket; a failure is recorded with the time of the next try, never thrown. */
  private async closeTicket(
    key: string,
    reason: RevokeReason,
    revokedAt: Date,
    done: { commented: boolean; attempts: number },
  ): Promise<TicketProgress> {
    let commentedAt: Date | undefined;
    try {
      if (!done.commented) {
        await this.ticketing.comment(key, revocationComment(reason, revokedAt));
        commentedAt = this.clock.now();
      }
      await this.ticketing.close(key);
      return { commentedAt, closedAt: this.clock.now(), attempts: done.attempts + 1 };
    } catch (error) {
      const attempts = done.attempts + 1;
      const delay = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (attempts - 1));
      this.logger.warn({ ticketKey: key, attempt: attempts, err: error }, 'could not close the Jira ticket; will retry');
      return {
        commentedAt,
        attempts,
        nextAttemptAt: new Date(this.clock.now().getTime() + delay),
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }
}
