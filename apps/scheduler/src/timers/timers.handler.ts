import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventContext, OnEvent, type PipelineOutcome } from '@jit/events';
import type { TimerEvent, TimerState } from './timer.decider.js';
import { TimerPipeline } from './timer.pipeline.js';

/** Keeps one expiry timer per grant in step with the grant's events. */
@Controller()
export class TimersHandler {
  constructor(private readonly timers: TimerPipeline) {}

  /** The outcome goes back to the consumer, which retries an `extended` that came before its `granted`. */
  @OnEvent('granted', 'extended', 'revoked')
  observe(@Payload() event: TimerEvent, @Ctx() ctx: EventContext): Promise<PipelineOutcome<TimerState>> {
    return this.timers.run({
      requestId: event.requestId,
      command: { kind: 'observe', event },
      actor: 'service:scheduler',
      cause: event,
      manager: ctx.manager,
    });
  }
}
