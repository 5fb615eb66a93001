import { Module } from '@nestjs/common';
import { TimerLoop } from './timer-loop.js';
import { TimerPipeline } from './timer.pipeline.js';
import { TimersHandler } from './timers.handler.js';

/** Durable expiry timers: armed by `granted`, moved by `extended`, cancelled by `revoked`, fired as `expired`. */
@Module({ controllers: [TimersHandler], providers: [TimerPipeline, TimerLoop] })
export class TimersModule {}
