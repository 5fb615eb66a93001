import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, DecisionPipeline, Outbox } from '@jit/events';
import { timerDecider, type TimerCommand, type TimerState } from './timer.decider.js';
import { timerStore } from './timer.store.js';

/** The one way a timer changes, for the event handler and the timer loop alike. */
@Injectable()
export class TimerPipeline extends DecisionPipeline<TimerCommand, TimerState, 'expired'> {
  constructor(dataSource: DataSource, outbox: Outbox, clock: Clock) {
    super({ decider: timerDecider, store: timerStore, outbox, clock, dataSource });
  }
}
