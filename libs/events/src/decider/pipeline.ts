import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../clock.js';
import { createEvent } from '../contracts/create.js';
import type { Via } from '../contracts/envelope.js';
import type { AccessEvent, EventType } from '../contracts/registry.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Decider, NotYet, NothingToDo, Refused } from './decider.js';

/** Where a decider's state is kept: one row (or a few) per request, read and written in the caller's transaction. */
export interface StateStore<State> {
  /** The request's state, locked until the transaction ends; the decider's initial state when there is none. */
  load(manager: EntityManager, requestId: string): Promise<State>;
  /** Stores the state that `events` (the cause first, then the decided ones) led to. */
  save(manager: EntityManager, requestId: string, next: State, change: StateChange<State>): Promise<void>;
}

/** What led from one stored state to the next. */
export interface StateChange<State> {
  before: State;
  events: readonly AccessEvent[];
  now: Date;
}

/** One command for the pipeline. */
export interface PipelineCall<Command> {
  requestId: string;
  command: Command;
  /** Who the decided events are from: a person's login or `service:<name>`. */
  actor: string;
  /** The credential the actor acted through (an API key acting for them, Slack), recorded on every decided event. */
  via?: Via;
  /** The event being handled, if the command comes from one: it is folded into the state and its ids carry over. */
  cause?: AccessEvent;
  /** A transaction already open (a consumer's inbox transaction); without it the pipeline opens its own. */
  manager?: EntityManager;
}

/** The command applied: the state it led to and the events enqueued with it. */
export interface Done<State> {
  kind: 'done';
  state: State;
  events: AccessEvent[];
}

/** What came of one command; the consumer acks `done` and `nothing`, retries `not_yet` and dead-letters `refused`. */
export type PipelineOutcome<State> = Done<State> | (NothingToDo & { state: State }) | NotYet | Refused;

/** What a pipeline is built from. */
export interface PipelineParts<Command, State, Produced extends EventType> {
  decider: Decider<Command, State, Produced>;
  store: StateStore<State>;
  outbox: Outbox;
  clock: Clock;
  dataSource: DataSource;
}

/**
 * The one way a service changes its state: load (locked), decide, stamp the events (ids, time,
 * actor, causal links), evolve, save and enqueue, all in one short transaction. No vendor is ever
 * called in here; loops call vendors first and bring the result as a command.
 */
export class DecisionPipeline<Command, State, Produced extends EventType = EventType> {
  constructor(private readonly parts: PipelineParts<Command, State, Produced>) {}

  /** Runs one command; "nothing", "not yet" and "refused" are answers, not exceptions, and change nothing. */
  run(call: PipelineCall<Command>): Promise<PipelineOutcome<State>> {
    if (call.manager) return this.runIn(call.manager, call);
    return this.parts.dataSource.transaction((manager) => this.runIn(manager, call));
  }

  private async runIn(manager: EntityManager, call: PipelineCall<Command>): Promise<PipelineOutcome<State>> {
    const { decider, store, outbox, clock } = this.parts;
    const before = await store.load(manager, call.requestId);
    const now = clock.now();
    const decision = decider.decide(call.command, before, now);
    if (decision.kind === 'nothing') return { ...decision, state: before };
    if (decision.kind !== 'accepted') return decision;
    const origin = { requestId: call.requestId, actor: call.actor, via: call.via, cause: call.cause };
    const events = decision.events.map((draft) => createEvent(draft, origin, clock)) as AccessEvent[];
    const folded: AccessEvent[] = call.cause ? [call.cause, ...events] : events;
    const state = folded.reduce<State>((current, event) => decider.evolve(current, event), before);
    await store.save(manager, call.requestId, state, { before, events: folded, now });
    await outbox.enqueue(manager, events);
    return { kind: 'done', state, events };
  }
}

/** Whether a handler's answer asks the consumer to retry later rather than ack. */
export function isNotYet(value: unknown): value is NotYet {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'not_yet';
}

/** Whether a handler's answer is a refusal the consumer must dead-letter. */
export function isRefused(value: unknown): value is Refused {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'refused';
}
