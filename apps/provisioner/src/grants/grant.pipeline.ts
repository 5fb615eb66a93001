import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, DecisionPipeline, Outbox } from '@jit/events';
import { grantDecider, type GrantCommand, type GrantEventType, type GrantState } from './grant.decider.js';
import { grantStore } from './grant.store.js';

/** The one way a grant changes, for the event handler, the Okta loops and the reconciliation alike. */
@Injectable()
export class GrantPipeline extends DecisionPipeline<GrantCommand, GrantState, GrantEventType> {
  constructor(dataSource: DataSource, outbox: Outbox, clock: Clock) {
    super({ decider: grantDecider, store: grantStore, outbox, clock, dataSource });
  }
}
