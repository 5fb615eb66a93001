import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventContext, OnEvent, type AccessEvent, type PipelineOutcome } from '@jit/events';
import type { RequestState } from './request.decider.js';
import { RequestPipeline } from './request.pipeline.js';

/** Keeps each request's status in step with what approval, the provisioner and intake itself publish. */
@Controller()
export class RequestEventsHandler {
  constructor(@Inject(RequestPipeline) private readonly pipeline: RequestPipeline) {}

  /** Folds the event into its request, inside the consumer's inbox transaction; "not yet" is retried by the consumer. */
  @OnEvent(
    'approval_opened',
    'approval_escalated',
    'approved',
    'denied',
    'cancelled',
    'granted',
    'grant_retrying',
    'grant_failed',
    'extended',
    'extension_requested',
    'extension_denied',
    'ticket_opened',
    'revoke_requested',
    'revoke_failed',
    'revoked',
  )
  observe(@Payload() event: AccessEvent, @Ctx() ctx: EventContext): Promise<PipelineOutcome<RequestState>> {
    return this.pipeline.run({
      requestId: event.requestId,
      command: { type: 'observe', event },
      actor: 'service:intake',
      cause: event,
      manager: ctx.manager,
    });
  }
}
