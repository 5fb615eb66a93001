import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventContext, OnEvent, type AccessEvent } from '@jit/events';
import { RequestsService } from './requests.service.js';

/** Keeps each request's status in step with what approval and the provisioner report. */
@Controller()
export class RequestEventsHandler {
  constructor(@Inject(RequestsService) private readonly requests: RequestsService) {}

  @OnEvent('approved')
  onApproved(@Payload() event: AccessEvent<'approved'>, @Ctx() ctx: EventContext): Promise<void> {
    return this.requests.apply(event, ctx.manager);
  }

  @OnEvent('denied')
  onDenied(@Payload() event: AccessEvent<'denied'>, @Ctx() ctx: EventContext): Promise<void> {
    return this.requests.apply(event, ctx.manager);
  }

  @OnEvent('cancelled')
  onCancelled(@Payload() event: AccessEvent<'cancelled'>, @Ctx() ctx: EventContext): Promise<void> {
    return this.requests.apply(event, ctx.manager);
  }

  @OnEvent('granted')
  onGranted(@Payload() event: AccessEvent<'granted'>, @Ctx() ctx: EventContext): Promise<void> {
    return this.requests.apply(event, ctx.manager);
  }

  @OnEvent('grant_failed')
  onGrantFailed(@Payload() event: AccessEvent<'grant_failed'>, @Ctx() ctx: EventContext): Promise<void> {
    return this.requests.apply(event, ctx.manager);
  }

  @OnEvent('extended')
  onExtended(@Payload() event: AccessEvent<'extended'>, @Ctx() ctx: EventContext): Promise<void> {
    return this.requests.apply(event, ctx.manager);
  }

  @OnEvent('revoke_requested')
  onRevokeRequested(@Payload() event: AccessEvent<'revoke_requested'>, @Ctx() ctx: EventContext): Promise<void> {
    return this.requests.apply(event, ctx.manager);
  }

  @OnEvent('revoked')
  onRevoked(@Payload() event: AccessEvent<'revoked'>, @Ctx() ctx: EventContext): Promise<void> {
    return this.requests.apply(event, ctx.manager);
  }
}
