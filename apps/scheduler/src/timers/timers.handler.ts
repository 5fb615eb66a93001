import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Clock, EventContext, OnEvent, type AccessEvent } from '@jit/events';
import { decideTimer, type TimerCommand } from './timer.decider.js';
import { loadTimerForUpdate, saveTimer } from './timer.store.js';

/** Keeps one expiry timer per grant in step with the grant's events. */
@Controller()
export class TimersHandler {
  constructor(private readonly clock: Clock) {}

  @OnEvent('granted')
  async onGranted(@Payload() event: AccessEvent<'granted'>, @Ctx() ctx: EventContext): Promise<void> {
    await this.apply(ctx, { kind: 'arm', requestId: event.requestId, firesAt: new Date(event.data.expiresAt) });
  }

  @OnEvent('extended')
  async onExtended(@Payload() event: AccessEvent<'extended'>, @Ctx() ctx: EventContext): Promise<void> {
    await this.apply(ctx, { kind: 'move', requestId: event.requestId, firesAt: new Date(event.data.expiresAt) });
  }

  @OnEvent('revoked')
  async onRevoked(@Payload() event: AccessEvent<'revoked'>, @Ctx() ctx: EventContext): Promise<void> {
    await this.apply(ctx, { kind: 'cancel', requestId: event.requestId, at: new Date(event.data.revokedAt) });
  }

  private async apply(ctx: EventContext, command: Exclude<TimerCommand, { kind: 'fire' }>): Promise<void> {
    const decision = decideTimer(command, await loadTimerForUpdate(ctx.manager, command.requestId));
    // A plain error makes the consumer redeliver later, once the event this one depends on has arrived.
    if (decision.kind === 'not_ready') throw new Error(decision.reason);
    if (decision.kind === 'store') await saveTimer(ctx.manager, decision.timer, this.clock.now());
  }
}
