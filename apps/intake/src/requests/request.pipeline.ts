import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, DecisionPipeline, Outbox } from '@jit/events';
import { requestDecider, type RequestCommand, type RequestEventType, type RequestState } from './request.decider.js';
import { RequestStore } from './request.store.js';

/** The one way intake changes a request: the request decider over the `requests` table and the outbox. */
@Injectable()
export class RequestPipeline extends DecisionPipeline<RequestCommand, RequestState, RequestEventType> {
  constructor(@Inject(DataSource) dataSource: DataSource, @Inject(Outbox) outbox: Outbox, @Inject(Clock) clock: Clock) {
    super({ decider: requestDecider, store: new RequestStore(), outbox, clock, dataSource });
  }
}
