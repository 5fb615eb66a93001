import type { EventDraft } from '../contracts/create.js';
import type { AccessEvent, EventType } from '../contracts/registry.js';
import type { DomainError } from './domain-error.js';

/**
 * The rules of one kind of state, with no I/O: `decide` turns a command into events (or a typed
 * reason not to), `evolve` folds any event into the state, and `initialState` is the state before
 * the first event. Time comes in as `now`; ids and envelopes are stamped by the pipeline.
 */
export interface Decider<Command, State, Produced extends EventType = EventType> {
  readonly initialState: State;
  decide(command: Command, state: State, now: Date): Decision<Produced>;
  /** Folds an event (the decider's own or one it hears from another service) into the state. */
  evolve(state: State, event: AccessEvent): State;
}

/** The command applies: these events follow (possibly none), and the event that caused the command, if any, is folded in. */
export interface Accepted<T extends EventType = EventType> {
  kind: 'accepted';
  events: EventDraft<T>[];
}

/** The command changes nothing: it was applied already, or the state is past the point where it matters. */
export interface NothingToDo {
  kind: 'nothing';
  reason: string;
}

/** The command cannot apply yet: an earlier event has not arrived. A consumer retries it later. */
export interface NotYet {
  kind: 'not_yet';
  reason: string;
}

/** The command breaks a rule of the domain. */
export interface Refused {
  kind: 'refused';
  error: DomainError;
}

/** What a decider answers to a command. */
export type Decision<T extends EventType = EventType> = Accepted<T> | NothingToDo | NotYet | Refused;

/** The command applies with these events (none is fine: the cause alone may change the state). */
export function accept<T extends EventType>(...events: EventDraft<T>[]): Accepted<T> {
  return { kind: 'accepted', events };
}

/** Nothing to do, and why. */
export function nothing(reason: string): NothingToDo {
  return { kind: 'nothing', reason };
}

/** Not yet, and what is missing. */
export function notYet(reason: string): NotYet {
  return { kind: 'not_yet', reason };
}

/** Refused with a domain error. */
export function refuse(error: DomainError): Refused {
  return { kind: 'refused', error };
}
