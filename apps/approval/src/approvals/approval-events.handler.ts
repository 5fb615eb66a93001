import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventContext, OnEvent, PrepareEvent, type AccessEvent, type PipelineOutcome } from '@jit/events';
import type { AccessReport, ApprovalState } from './approval.decider.js';
import { Approvals, type DirectoryFacts } from './approvals.js';

/**
 * Keeps approvals in step with the request's life: opened on `requested` (the manager and groups looked up
 * before the transaction opens), closed on `cancelled`, and following the access it led to so the
 * requester can be told. The consumer acts on the outcome.
 */
@Controller()
export class ApprovalEventsHandler {
  constructor(private readonly approvals: Approvals) {}

  @PrepareEvent('requested')
  directoryFacts(@Payload() event: AccessEvent<'requested'>): Promise<DirectoryFacts> {
    return this.approvals.directoryFacts(event.data);
  }

  @OnEvent('requested')
  onRequested(@Payload() event: AccessEvent<'requested'>, @Ctx() ctx: EventContext): Promise<PipelineOutcome<ApprovalState>> {
    return this.approvals.open(event, ctx.prepared as DirectoryFacts, ctx.manager);
  }

  @OnEvent('cancelled')
  onCancelled(@Payload() event: AccessEvent<'cancelled'>, @Ctx() ctx: EventContext): Promise<PipelineOutcome<ApprovalState>> {
    return this.approvals.cancel(event, ctx.manager);
  }

  @OnEvent('extension_requested')
  onExtensionRequested(
    @Payload() event: AccessEvent<'extension_requested'>,
    @Ctx() ctx: EventContext,
  ): Promise<PipelineOutcome<ApprovalState>> {
    return this.approvals.considerExtension(event, ctx.manager);
  }

  @OnEvent('granted', 'grant_failed', 'ticket_opened', 'revoke_requested', 'revoked', 'extended')
  onAccess(@Payload() event: AccessEvent<AccessReport>, @Ctx() ctx: EventContext): Promise<PipelineOutcome<ApprovalState>> {
    return this.approvals.observeAccess(event, ctx.manager);
  }
}
