import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, backoffDelay } from '@jit/events';
import { SERVICE_CONFIG } from '@jit/platform';
import { LeasedLoop, messageOf, type Lease } from '../leases/leased-loop.js';
import { TICKETING, TicketRejectedError, type Ticketing } from '../jira/ticketing.js';
import type { ProvisionerConfig } from '../provisioner.config.js';
import { PROVISIONER_ACTOR } from '../grants/grant.decider.js';
import { GrantPipeline } from '../grants/grant.pipeline.js';
import { extensionComment, grantTicket, revocationComment } from './ticket-text.js';
import {
  claimTicketWork,
  nextTicketWorkDue,
  recordTicketClosed,
  recordTicketCommented,
  recordExtensionNoted,
  recordTicketOpened,
  retryTicketWork,
  type TicketWork,
} from './ticket.store.js';

/**
 * Keeps Jira's record of each grant: opens the ticket once access is granted, comments on each
 * extension, and comments on and closes it once access is revoked. Jira is a record, not access: this loop runs beside the Okta
 * loops and never holds them up, and a Jira outage only delays the ticket, retried with backoff.
 * Each step is leased, Jira is called with no transaction open, and each bit of progress commits
 * at once, so a retry neither opens a second ticket nor comments twice.
 */
@Injectable()
export class TicketLoop extends LeasedLoop<TicketWork> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: GrantPipeline,
    clock: Clock,
    @Inject(TICKETING) private readonly ticketing: Ticketing,
    @Inject(SERVICE_CONFIG) private readonly config: ProvisionerConfig,
  ) {
    super(clock, { concurrency: config.LOOP_CONCURRENCY, leaseMs: config.CLAIM_LEASE_MS });
    this.wakeOnWork(dataSource, 'tickets');
  }

  protected get intervalMs(): number {
    return this.config.TICKET_TICK_MS;
  }

  protected claim(lease: Lease, limit: number): Promise<TicketWork[]> {
    return claimTicketWork(this.dataSource.manager, lease, limit);
  }

  protected nextDue(now: Date): Promise<Date | undefined> {
    return nextTicketWorkDue(this.dataSource.manager, now);
  }

  protected async work(work: TicketWork): Promise<void> {
    const { requestId, revokeReason, revokedAt } = work.grant;
    if (work.step === 'open') {
      const key = await this.ticketing.open({ reference: requestId, ...grantTicket(work.grant) });
      // The key and `ticket_opened` commit together, so the audit trail shows how far the ticket lagged the grant.
      await this.dataSource.transaction(async (manager) => {
        await this.grants.run({ requestId, command: { kind: 'record_ticket_opened', ticketKey: key }, actor: PROVISIONER_ACTOR, manager });
        await recordTicketOpened(manager, requestId, this.owner);
      });
      this.logger.log({ requestId, ticketKey: key }, 'Jira ticket opened');
      return;
    }
    if (work.step === 'note_extension') {
      await this.ticketing.comment(work.ticketKey, extensionComment(work.grant.extendedBy ?? 'unknown', work.extendedTo));
      await recordExtensionNoted(this.dataSource.manager, requestId, work.extendedTo, this.owner);
      this.logger.log({ requestId, ticketKey: work.ticketKey, extendedTo: work.extendedTo }, 'Jira ticket notes the extension');
      return;
    }
    if (!work.commented) {
      await this.ticketing.comment(work.ticketKey, revocationComment(revokeReason ?? 'admin', revokedAt ?? this.clock.now()));
      await recordTicketCommented(this.dataSource.manager, requestId, this.clock.now());
    }
    await this.ticketing.close(work.ticketKey);
    await this.dataSource.transaction(async (manager) => {
      await this.grants.run({ requestId, command: { kind: 'record_ticket_closed' }, actor: PROVISIONER_ACTOR, manager });
      await recordTicketClosed(manager, requestId, this.owner);
    });
    this.logger.log({ requestId, ticketKey: work.ticketKey }, 'Jira ticket closed');
  }

  protected async retryLater(work: TicketWork, error: unknown): Promise<void> {
    const attempt = work.attempts + 1;
    const policy = { baseMs: this.config.TICKET_BACKOFF_BASE_MS, maxMs: this.config.TICKET_BACKOFF_MAX_MS };
    // Retrying alone will not fix a refusal, but the record must exist: keep trying at the slowest pace while someone looks.
    const delay = error instanceof TicketRejectedError ? policy.maxMs : backoffDelay(attempt, policy);
    await retryTicketWork(this.dataSource.manager, work.grant.requestId, this.owner, {
      attempts: attempt,
      nextAttemptAt: new Date(this.clock.now().getTime() + delay),
      error: messageOf(error),
    });
  }

  protected describe(work: TicketWork): Record<string, unknown> {
    return { requestId: work.grant.requestId, step: work.step, attempt: work.attempts + 1 };
  }
}
