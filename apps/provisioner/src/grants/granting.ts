import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock, Outbox, createEvent, type AccessEvent } from '@jit/events';
import { IDENTITY_PROVIDER, type IdentityProvider } from '../okta/identity-provider.js';
import { TICKETING, type Ticketing } from '../jira/ticketing.js';
import { VendorRejectedError } from '@jit/vendors';
import { decide, type Grant, type GrantCommand } from './grant.decider.js';
import { markGranting, recordTicketKey, saveGrant } from './grant.store.js';
import { grantTicket } from './ticket-text.js';

/** The actor of every event the provisioner publishes. */
export const PROVISIONER_ACTOR = 'service:provisioner';

/**
 * Makes a grant real: Okta membership, then the Jira ticket, then `granted`. Each step can be
 * repeated after a crash or retry without doubling its effect: Okta's membership PUT is
 * idempotent, and the ticket key is committed the moment it exists, so a retry reuses it.
 */
@Injectable()
export class Granting {
  private readonly logger = new Logger(Granting.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(IDENTITY_PROVIDER) private readonly idp: IdentityProvider,
    @Inject(TICKETING) private readonly ticketing: Ticketing,
  ) {}

  /** Grants a `granting` grant inside the handler's transaction `manager`; transient vendor failures throw so the event is retried. */
  async grant(grant: Grant, approval: AccessEvent<'approved'>, manager: EntityManager): Promise<void> {
    // Committed on its own: a `cancelled` arriving while vendor calls run must see that access may already exist.
    await this.dataSource.transaction((own) => markGranting(own, grant.requestId, this.clock.now()));

    const userId = await this.idp.findUserId(grant.requester);
    if (!userId) return this.fail(grant, approval, manager, `${grant.requester} is not a user in Okta`);
    try {
      await this.idp.addToGroup(userId, grant.oktaGroupId);
    } catch (error) {
      if (error instanceof VendorRejectedError) return this.fail(grant, approval, manager, `Okta refused the membership: ${error.message}`);
      throw error;
    }

    let ticketKey = grant.ticketKey;
    if (!ticketKey) {
      try {
        ticketKey = await this.ticketing.open(grantTicket(grant, approval));
      } catch (error) {
        if (!(error instanceof VendorRejectedError)) throw error;
        // No ticket means no record of the grant: take the access back rather than grant it unrecorded.
        await this.idp.removeFromGroup(userId, grant.oktaGroupId);
        return this.fail(grant, approval, manager, `Jira refused the ticket: ${error.message}`);
      }
      const key = ticketKey;
      // Committed on its own so a retry of this event finds the ticket instead of opening another.
      await this.dataSource.transaction((own) => recordTicketKey(own, grant.requestId, key, this.clock.now()));
    }
    await this.apply(manager, { kind: 'complete_grant', oktaUserId: userId, ticketKey }, grant, approval);
    this.logger.log({ requestId: grant.requestId, oktaGroupId: grant.oktaGroupId, ticketKey }, 'access granted');
  }

  private async fail(grant: Grant, approval: AccessEvent<'approved'>, manager: EntityManager, reason: string): Promise<void> {
    this.logger.warn({ requestId: grant.requestId, reason }, 'grant failed');
    await this.apply(manager, { kind: 'fail_grant', reason }, grant, approval);
  }

  private async apply(manager: EntityManager, command: GrantCommand, grant: Grant, cause: AccessEvent): Promise<void> {
    const now = this.clock.now();
    const decision = decide(command, { ...grant, status: 'granting' }, now);
    if (decision.kind !== 'apply') throw new Error(`cannot ${command.kind} ${grant.requestId}: ${decision.reason}`);
    await saveGrant(manager, decision.grant, now);
    const events = decision.events.map((draft) =>
      createEvent(draft, { requestId: grant.requestId, actor: PROVISIONER_ACTOR, cause }, this.clock),
    );
    await this.outbox.enqueue(manager, events);
  }
}
