import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import type { DataSource, EntityManager } from 'typeorm';
import { decodeEvent, type Decoded } from '../contracts/decode.js';
import type { AccessEvent } from '../contracts/registry.js';
import { claimEvent, isClaimed } from '../inbox/inbox.js';
import { silentLogger, type EventLogger } from '../logger.js';
import { eventMetrics } from '../metrics.js';
import { isNotYet, isRefused } from '../decider/pipeline.js';
import { NonRetryableEventError } from './errors.js';
import type { ConsumerSettings } from './setup.js';
import { deadLetterSubject, typeOfSubject, type Topology } from './topology.js';

/** Where a handled event came from, for logs and for handlers that need the raw delivery. */
export interface Delivery {
  consumer: string;
  stream: string;
  streamSeq: number;
  deliveryCount: number;
  /** The envelope exactly as it was published, before any upcasting: what an archive must keep. */
  published: unknown;
}

/**
 * Applies one event inside the transaction that also records it in the inbox. It may answer with a
 * pipeline outcome: `not_yet` rolls the transaction back and retries later, `refused` dead-letters.
 */
export type EventHandlerFn = (event: AccessEvent, manager: EntityManager, delivery: Delivery, prepared?: unknown) => Promise<unknown>;

/**
 * Work for one event that must run with no transaction open (a vendor lookup): it runs before the
 * inbox transaction and its result reaches the handler. It may run more than once for one event.
 */
export type PrepareFn = (event: AccessEvent, delivery: Delivery) => Promise<unknown>;

/** Finds the handler of an event type; undefined means the consumer ignores that type. */
export type HandlerLookup = (type: AccessEvent['type']) => EventHandlerFn | undefined;

/** Finds the preparation of an event type, if it has one. */
export type PrepareLookup = (type: AccessEvent['type']) => PrepareFn | undefined;

/** Headers of a dead letter, so ops can see why and retry it. */
export const DeadLetterHeaders = {
  reason: 'Jit-Dead-Letter-Reason',
  subject: 'Jit-Original-Subject',
  streamSeq: 'Jit-Original-Stream-Seq',
  consumer: 'Jit-Consumer',
  deliveries: 'Jit-Deliveries',
} as const;

/** What an `EventConsumer` needs. */
export interface EventConsumerOptions {
  jetstream: JetStreamClient;
  dataSource: DataSource;
  topology: Topology;
  settings: ConsumerSettings;
  handlers: HandlerLookup;
  preparers?: PrepareLookup;
  logger?: EventLogger;
  /** Requests handled at once; events of one request are always handled one after another. */
  concurrency?: number;
}

/** An event waiting for a transaction to apply it in. */
interface Application {
  event: AccessEvent;
  delivery: Delivery;
  handler: EventHandlerFn;
  prepared: unknown;
  resolve(applied: boolean): void;
  reject(error: unknown): void;
}

type Outcome = 'handled' | 'duplicate' | 'ignored' | 'not_yet' | 'retry' | 'dead_letter';

/** Thrown inside the inbox transaction to roll it back when a handler answers "not yet". */
class NotYetSignal extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * Pulls a durable consumer and applies each event exactly once in effect: the handler runs in a
 * Postgres transaction that also records `(consumer, event id)`, and the message is acked only
 * after that transaction commits. A redelivery finds the inbox row and is acked without effect.
 * A transient failure naks with the configured backoff; an event that cannot be decoded, or that
 * fails on its last allowed delivery, goes to `deadletter.<consumer>` and does not block the rest.
 */
export class EventConsumer {
  private readonly logger: EventLogger;
  private readonly concurrency: number;
  private messages?: ConsumerMessages;
  private pump?: Promise<void>;
  /** The tail of each request's chain of handlers, so its events run in order. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Requests whose earlier event is waiting for a redelivery, until the given time. */
  private readonly blocked = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private slotFreed?: () => void;
  /** Events waiting for a transaction, in the order they reached it. */
  private readonly waiting: Application[] = [];
  /** Whether a transaction is open: one at a time, the events that wait meanwhile share the next. */
  private applying = false;

  constructor(private readonly options: EventConsumerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.concurrency = options.concurrency ?? 8;
  }

  /** Starts pulling. */
  async start(): Promise<void> {
    const consumer = await this.options.jetstream.consumers.get(this.options.topology.stream, this.options.settings.name);
    this.messages = await consumer.consume({ max_messages: this.concurrency * 4 });
    this.pump = this.run(this.messages);
  }

  /** Stops pulling and waits for the handlers in flight; undelivered messages stay with the server. */
  async stop(): Promise<void> {
    await this.messages?.close();
    await this.pump;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const msg of messages) {
      while (this.inFlight.size >= this.concurrency) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
      }
      const key = this.keyOf(msg);
      const previous = this.chains.get(key) ?? Promise.resolve();
      const next = previous.then(() => this.process(msg, key));
      this.chains.set(key, next);
      this.inFlight.add(next);
      void next.finally(() => {
        this.inFlight.delete(next);
        if (this.chains.get(key) === next) this.chains.delete(key);
        this.slotFreed?.();
      });
    }
  }

  /** Events of one request share a key; an undecodable message gets its own. */
  private keyOf(msg: JsMsg): string {
    try {
      const requestId = (msg.json() as { requestId?: unknown }).requestId;
      if (typeof requestId === 'string') return requestId;
    } catch {
      // handled as a dead letter in process()
    }
    return `seq:${msg.seq}`;
  }

  private async process(msg: JsMsg, key: string): Promise<void> {
    const { consumer, outcome, type, error } = await this.handle(msg, key).then(
      (result) => ({ consumer: this.options.settings.name, ...result, error: undefined as unknown }),
      (failure: unknown) => ({ consumer: this.options.settings.name, outcome: 'retry' as Outcome, type: 'unknown', error: failure }),
    );
    if (error) this.logger.error({ err: error, consumer, seq: msg.seq }, 'event consumer failed to settle a message');
    eventMetrics().handled.inc({ consumer, type, outcome });
  }

  private async handle(msg: JsMsg, key: string): Promise<{ outcome: Outcome; type: string }> {
    const context = { consumer: this.options.settings.name, stream: this.options.topology.stream, seq: msg.seq };
    const blockedUntil = this.blocked.get(key);
    if (blockedUntil !== undefined && blockedUntil > Date.now()) {
      // An earlier event of this request is waiting for redelivery: keep this one behind it.
      msg.nak(blockedUntil - Date.now() + 50);
      return { outcome: 'retry', type: 'unknown' };
    }
    this.blocked.delete(key);

    const decoded = this.decode(msg);
    if (!decoded.ok) {
      await this.deadLetter(msg, decoded.reason);
      this.logger.warn({ ...context, reason: decoded.reason }, 'dead-lettered an event that failed validation');
      return { outcome: 'dead_letter', type: typeOfSubject(this.options.topology, msg.subject) ?? 'unknown' };
    }
    const event = decoded.event;
    const eventContext = { ...context, requestId: event.requestId, eventId: event.id, type: event.type };
    const handler = this.options.handlers(event.type);
    if (!handler) {
      msg.ack();
      return { outcome: 'ignored', type: event.type };
    }

    const delivery: Delivery = {
      consumer: this.options.settings.name,
      stream: this.options.topology.stream,
      streamSeq: msg.seq,
      deliveryCount: msg.info.deliveryCount,
      published: msg.json(),
    };
    // Tell the server a slow handler is still working, so it does not redeliver to another replica.
    const heartbeat = setInterval(() => msg.working(), Math.max(500, this.options.settings.ackWaitMs / 2));
    try {
      const prepare = this.options.preparers?.(event.type);
      // A first delivery has not been applied (a copy published again under another message id can
      // have been: its preparation runs again and the inbox claim still refuses it).
      if (prepare && msg.info.deliveryCount > 1 && (await this.seen(event.id))) {
        clearInterval(heartbeat);
        await this.ack(msg);
        return { outcome: 'duplicate', type: event.type };
      }
      const prepared = prepare ? await prepare(event, delivery) : undefined;
      const applied = await new Promise<boolean>((resolve, reject) => {
        this.waiting.push({ event, delivery, handler, prepared, resolve, reject });
        void this.applyWaiting();
      });
      clearInterval(heartbeat);
      await this.ack(msg);
      return { outcome: applied ? 'handled' : 'duplicate', type: event.type };
    } catch (error) {
      clearInterval(heartbeat);
      if (error instanceof NotYetSignal) return { outcome: this.notYet(msg, error.reason, eventContext), type: event.type };
      return { outcome: await this.failed(msg, key, error, eventContext), type: event.type };
    }
  }

  /**
   * Applies the waiting events, one transaction at a time: all that wait share the next
   * transaction (one commit for all of them, so a burst costs fewer commits and round trips), recorded in the inbox and handled one after another as they would be alone. When
   * one of them does not apply (its handler fails or answers "not yet"), the transaction rolls
   * back, that event gets its own outcome (retried or dead-lettered as if it had been alone), and
   * the others go back to wait for the next: one event's outcome never becomes another's. Events of
   * one request are never in one batch: each waits for the one before it to be settled.
   */
  private async applyWaiting(): Promise<void> {
    if (this.applying) return;
    this.applying = true;
    try {
      while (this.waiting.length > 0) await this.applyTogether(this.waiting.splice(0, this.concurrency));
    } finally {
      this.applying = false;
    }
  }

  private async applyTogether(batch: Application[]): Promise<void> {
    let failed: { at: number; error: unknown } | undefined;
    let applied: boolean[];
    try {
      applied = await this.options.dataSource.transaction(async (manager) => {
        const outcomes: boolean[] = [];
        for (const [at, one] of batch.entries()) {
          outcomes.push(
            await this.applyIn(manager, one).catch((error: unknown) => {
              failed = { at, error };
              throw error;
            }),
          );
        }
        return outcomes;
      });
    } catch (error) {
      if (!failed) {
        // The commit itself failed: nothing applied, and no one event to blame.
        for (const one of batch) one.reject(error);
        return;
      }
      const { at, error: cause } = failed;
      batch[at].reject(cause);
      this.waiting.unshift(...batch.slice(0, at), ...batch.slice(at + 1));
      return;
    }
    batch.forEach((one, i) => one.resolve(applied[i]));
    if (batch.length > 1) eventMetrics().batched.inc({ consumer: this.options.settings.name }, batch.length);
  }

  /** Claims the event in the inbox and runs its handler in `manager`'s transaction; false when it was applied before. */
  private async applyIn(manager: EntityManager, { event, delivery, handler, prepared }: Application): Promise<boolean> {
    const first = await claimEvent(manager, {
      consumer: delivery.consumer,
      eventId: event.id,
      eventType: event.type,
      streamSeq: delivery.streamSeq,
    });
    if (!first) return false;
    const answer = await handler(event, manager, delivery, prepared);
    if (isNotYet(answer)) throw new NotYetSignal(answer.reason);
    if (isRefused(answer)) throw new NonRetryableEventError(`${answer.error.name}: ${answer.error.message}`);
    return true;
  }

  /** Whether this consumer applied the event already, so a redelivery does no vendor work again. */
  private async seen(eventId: string): Promise<boolean> {
    return isClaimed(this.options.dataSource.manager, { consumer: this.options.settings.name, eventId });
  }

  private decode(msg: JsMsg): Decoded {
    let raw: unknown;
    try {
      raw = msg.json();
    } catch {
      return { ok: false, reason: 'payload is not JSON' };
    }
    const decoded = decodeEvent(raw);
    if (decoded.ok && typeOfSubject(this.options.topology, msg.subject) !== decoded.event.type) {
      return { ok: false, reason: `event type "${decoded.event.type}" does not match subject "${msg.subject}"` };
    }
    return decoded;
  }

  /**
   * An event that arrived before its predecessor: normal with several replicas or after a retry, so
   * it is logged at debug and retried with the backoff, and never counted as a failure. The events
   * behind it are not held back, since one of them may be the predecessor it waits for.
   */
  private notYet(msg: JsMsg, reason: string, context: Record<string, unknown>): Outcome {
    const { backoffMs } = this.options.settings;
    const delay = backoffMs[Math.min(msg.info.deliveryCount - 1, backoffMs.length - 1)] ?? 1000;
    msg.nak(delay);
    this.logger.debug({ ...context, reason, deliveries: msg.info.deliveryCount, retryInMs: delay }, 'event not applicable yet; will retry');
    return 'not_yet';
  }

  private async failed(msg: JsMsg, key: string, error: unknown, context: Record<string, unknown>): Promise<Outcome> {
    const { maxDeliver, backoffMs } = this.options.settings;
    const deliveries = msg.info.deliveryCount;
    if (error instanceof NonRetryableEventError || deliveries >= maxDeliver) {
      const reason =
        error instanceof NonRetryableEventError
          ? `handler refused the event: ${error.message}`
          : `failed on all ${maxDeliver} deliveries; last error: ${String(error)}`;
      await this.deadLetter(msg, reason);
      this.logger.error({ ...context, err: error, deliveries }, 'dead-lettered an event its handler could not apply');
      return 'dead_letter';
    }
    const delay = backoffMs[Math.min(deliveries - 1, backoffMs.length - 1)] ?? 1000;
    this.blocked.set(key, Date.now() + delay);
    msg.nak(delay);
    this.logger.warn({ ...context, err: error, deliveries, retryInMs: delay }, 'event handler failed; will retry');
    return 'retry';
  }

  /** Publishes the original message with the reason to the consumer's dead-letter subject, then terminates it. */
  private async deadLetter(msg: JsMsg, reason: string): Promise<void> {
    const { topology, settings, jetstream } = this.options;
    const h = headers();
    h.set(DeadLetterHeaders.reason, reason.replace(/[\r\n]+/g, ' '));
    h.set(DeadLetterHeaders.subject, msg.subject);
    h.set(DeadLetterHeaders.streamSeq, String(msg.seq));
    h.set(DeadLetterHeaders.consumer, settings.name);
    h.set(DeadLetterHeaders.deliveries, String(msg.info.deliveryCount));
    // The msg id makes a dead letter idempotent if this process dies before terminating the original.
    await jetstream.publish(deadLetterSubject(topology, settings.name), msg.data, {
      headers: h,
      msgID: `${settings.name}:${topology.stream}:${msg.seq}`,
    });
    // No reason on TERM: nats-server 2.9 ignores a `+TERM <reason>` ack and redelivers.
    msg.term();
    eventMetrics().deadLettered.inc({ consumer: settings.name });
  }

  /** Acks and waits for the server's confirmation; a lost ack only means a harmless redelivery. */
  private async ack(msg: JsMsg): Promise<void> {
    try {
      await msg.ackAck({ timeout: 5000 });
    } catch (error) {
      this.logger.warn({ err: error, seq: msg.seq }, 'ack not confirmed; the inbox absorbs the redelivery');
    }
  }
}
