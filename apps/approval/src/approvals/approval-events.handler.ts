import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventContext, OnEvent, type AccessEvent } from '@jit/events';
import { Approvals } from './approvals.js';

/** Keeps approvals in step with the request's life: opened on `requested`, closed on `cancelled`. */
@Controller()
export class ApprovalEventsHandler {
  constructor(private readonly approvals: Approvals) {}

  @OnEvent('requested')
  async onRequested(@Payload() event: AccessEvent<'requested'>, @Ctx() ctx: EventContext): Promise<void> {
    await this.approvals.open(event, ctx.manager);
  }

  @OnEvent('cancelled')
  async onCancelled(@Payload() event: AccessEvent<'cancelled'>, @Ctx() ctx: EventContext): Promise<void> {
    await this.approvals.cancel(event, ctx.manager);
  }
}
