import { Controller, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Clock, EventContext, OnEvent, Outbox, createEvent, type AccessEvent } from '@jit/events';
import { decide, type Grant, type GrantCommand, type GrantDecision } from './grant.decider.js';
import { loadGrant, saveGrant } from './grant.store.js';
import { Granting, PROVISIONER_ACTOR } from './granting.js';

/** Turns request events into grant state: records requests, grants on final approval, queues revocations. */
@Controller()
export class GrantsHandler {
  private readonly logger = new Logger(GrantsHandler.name);

  constructor(
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    private readonly granting: Granting,
  ) {}

  @OnEvent('requested')
  async onRequested(@Payload() event: AccessEvent<'requested'>, @Ctx() ctx: EventContext): Promise<void> {
    await this.apply(ctx, event, { kind: 'record_request', requestId: event.requestId, request: event.data });
  }

  @OnEvent('cancelled')
  async onCancelled(@Payload() event: AccessEvent<'cancelled'>, @Ctx() ctx: EventContext): Promise<void> {
    await this.apply(ctx, event, { kind: 'cancel' });
  }

  @OnEvent('approved')
  async onApproved(@Payload() event: AccessEvent<'approved'>, @Ctx() ctx: EventContext): Promise<void> {
    if (!event.data.final) return;
    const decision = this.decide({ kind: 'start_grant' }, await loadGrant(ctx.manager, event.requestId), event);
    // Vendor calls follow; the grant row is left unlocked so their small committed writes do not wait on this transaction.
    if (decision) await this.granting.grant(decision.grant, event, ctx.manager);
  }

  @OnEvent('expired')
  async onExpired(@Payload() event: AccessEvent<'expired'>, @Ctx() ctx: EventContext): Promise<void> {
    await this.apply(ctx, event, { kind: 'start_revocation', reason: 'expired' });
  }

  @OnEvent('revoke_requested')
  async onRevokeRequested(@Payload() event: AccessEvent<'revoke_requested'>, @Ctx() ctx: EventContext): Promise<void> {
    await this.apply(ctx, event, { kind: 'start_revocation', reason: event.data.reason });
  }

  private async apply(ctx: EventContext, event: AccessEvent, command: GrantCommand): Promise<void> {
    const decision = this.decide(command, await loadGrant(ctx.manager, event.requestId, { lock: true }), event);
    if (!decision) return;
    await saveGrant(ctx.manager, decision.grant, this.clock.now());
    const events = decision.events.map((draft) =>
      createEvent(draft, { requestId: event.requestId, actor: PROVISIONER_ACTOR, cause: event }, this.clock),
    );
    await this.outbox.enqueue(ctx.manager, events);
  }

  /** The change to make, or undefined when there is none; throws (so the event is retried) when the grant is not ready for it. */
  private decide(
    command: GrantCommand,
    grant: Grant | undefined,
    event: AccessEvent,
  ): Extract<GrantDecision, { kind: 'apply' }> | undefined {
    const decision = decide(command, grant, this.clock.now());
    if (decision.kind === 'not_ready') throw new Error(`${event.type} for ${event.requestId} not applicable yet: ${decision.reason}`);
    if (decision.kind === 'skip') {
      this.logger.log(
        { requestId: event.requestId, eventId: event.id, type: event.type, reason: decision.reason },
        'event needs no change',
      );
      return undefined;
    }
    return decision;
  }
}
