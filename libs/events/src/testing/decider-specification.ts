import { ManualClock } from '../clock.js';
import { createEvent, type EventDraft } from '../contracts/create.js';
import type { AccessEvent, EventType } from '../contracts/registry.js';
import type { Decider, Decision } from '../decider/decider.js';
import type { DomainError } from '../decider/domain-error.js';

/** The request every specification's events belong to unless told otherwise. */
export const specRequestId = '5f0c6c1e-7f7a-4d43-9a38-3d2f5c1b2a10';

/** When a specification's events happen unless told otherwise. */
export const specStart = '2026-01-01T00:00:00.000Z';

/** A given event: a full envelope, or a draft stamped at `specStart` (or `at`). */
export type GivenEvent = AccessEvent | (EventDraft & { at?: string; actor?: string });

/** What a command is run with besides the state. */
export interface WhenOptions {
  /** The decider's `now`; `specStart` unless given. */
  at?: string;
  /** The event the command comes from; it is folded into the state after an accepted decision. */
  cause?: GivenEvent;
}

/** Stamps a draft as the pipeline would, at a fixed time, for the specification's request. */
export function specEvent<T extends EventType>(draft: EventDraft<T>, at: string = specStart, actor = 'spec'): AccessEvent<T> {
  return createEvent(draft, { requestId: specRequestId, actor }, new ManualClock(at));
}

/**
 * Given/When/Then for deciders, after emmett's `DeciderSpecification`: the state is built only from
 * events, the command is decided, and the outcome is compared with events, an error or nothing.
 */
export const DeciderSpecification = {
  for<Command, State, Produced extends EventType>(decider: Decider<Command, State, Produced>) {
    return {
      given(events: readonly GivenEvent[]) {
        const state = events.map(toEvent).reduce((current, event) => decider.evolve(current, event), decider.initialState);
        return {
          when(command: Command, options: WhenOptions = {}) {
            const decision = decider.decide(command, state, new Date(options.at ?? specStart));
            return new Then(decider, state, decision, options.cause && toEvent(options.cause), options.at ?? specStart);
          },
        };
      },
    };
  },
};

class Then<State, Produced extends EventType> {
  constructor(
    private readonly decider: Decider<unknown, State, Produced>,
    private readonly before: State,
    private readonly decision: Decision<Produced>,
    private readonly cause: AccessEvent | undefined,
    private readonly at: string,
  ) {}

  /** The command is accepted with exactly these events; returns the state they (and the cause) lead to. */
  then(expected: readonly EventDraft[]): State {
    expect(this.decision).toMatchObject({ kind: 'accepted' });
    if (this.decision.kind !== 'accepted') throw new Error('unreachable');
    expect(this.decision.events).toEqual(expected);
    const produced = this.decision.events.map((draft) => specEvent(draft as EventDraft, this.at));
    const folded: AccessEvent[] = this.cause ? [this.cause, ...produced] : produced;
    return folded.reduce<State>((current, event) => this.decider.evolve(current, event), this.before);
  }

  /** The command changes nothing. */
  thenNothing(): void {
    expect(this.decision).toMatchObject({ kind: 'nothing' });
  }

  /** The command must wait for an earlier event. */
  thenNotYet(): void {
    expect(this.decision).toMatchObject({ kind: 'not_yet' });
  }

  /** The command is refused with an error of this class (and this message, when given). */
  thenRefused(type: abstract new (...args: never[]) => DomainError, message?: string | RegExp): DomainError {
    expect(this.decision).toMatchObject({ kind: 'refused' });
    if (this.decision.kind !== 'refused') throw new Error('unreachable');
    expect(this.decision.error).toBeInstanceOf(type);
    if (message !== undefined) expect(this.decision.error.message).toMatch(message);
    return this.decision.error;
  }
}

function toEvent(given: GivenEvent): AccessEvent {
  if ('id' in given) return given;
  const { at, actor, ...draft } = given;
  return specEvent(draft as EventDraft, at, actor);
}
