import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventContext, OnEvent, type PipelineOutcome } from '@jit/events';
import { PROVISIONER_ACTOR, type GrantState, type ObservedEvent } from './grant.decider.js';
import { GrantPipeline } from './grant.pipeline.js';

/**
 * Records what other services say about a request in its grant, in the consumer's inbox
 * transaction. Nothing here calls a vendor: an approval only makes the grant due for the granting
 * loop, an expiry or revoke request makes it due for the revocation loop.
 */
@Controller()
export class GrantsHandler {
  constructor(private readonly grants: GrantPipeline) {}

  @OnEvent('requested', 'approved', 'cancelled', 'expired', 'revoke_requested', 'extension_approved')
  onEvent(@Payload() event: ObservedEvent, @Ctx() ctx: EventContext): Promise<PipelineOutcome<GrantState>> {
    return this.grants.run({
      requestId: event.requestId,
      command: { kind: 'observe', event },
      actor: PROVISIONER_ACTOR,
      cause: event,
      manager: ctx.manager,
    });
  }
}
