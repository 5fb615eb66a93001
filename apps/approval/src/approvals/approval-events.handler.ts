import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventContext, OnEvent, type AccessEvent, type PipelineOutcome } from '@jit/events';
import type { ApprovalState } from './approval.decider.js';
import { Approvals } from './approvals.js';

/** Keeps approvals in step with the request's life: opened on `requested`, closed on `cancelled`. The consumer acts on the outcome. */
@Controller()
export class ApprovalEventsHandler {
  constructor(private readonly approvals: Approvals) {}

  @OnEvent('requested')
  onRequested(@Payload() event: AccessEvent<'requested'>, @Ctx() ctx: EventContext): Promise<PipelineOutcome<ApprovalState>> {
    return this.approvals.open(event, ctx.manager);
  }

  @OnEvent('cancelled')
  onCancelled(@Payload() event: AccessEvent<'cancelled'>, @Ctx() ctx: EventContext): Promise<PipelineOutcome<ApprovalState>> {
    return this.approvals.cancel(event, ctx.manager);
  }
}
