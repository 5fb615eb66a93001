import {
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeadLetterHeaders, decodeEvent, type AccessEvent, type Topology } from '@jit/events';

/** A dead letter as ops see it. */
export interface DeadLetter {
  seq: number;
  consumer: string;
  reason: string;
  originalSubject: string;
  originalSeq: number;
  deliveries: number;
  storedAt: string;
  payload: string;
}

/** What an operator named that does not exist: the CLI says so and exits 1. */
class UnknownNameError extends Error {}

/** Every dead letter, oldest first, optionally of one consumer; a consumer the stream never had is refused. */
export async function listDeadLetters(nc: NatsConnection, topology: Topology, consumer?: string): Promise<DeadLetter[]> {
  const jsm = await jetstreamManager(nc);
  const letters: DeadLetter[] = [];
  for await (const message of messagesOf(nc, jsm, topology.deadLetterStream)) {
    const letter: DeadLetter = {
      seq: message.seq,
      consumer: message.header.get(DeadLetterHeaders.consumer),
      reason: message.header.get(DeadLetterHeaders.reason),
      originalSubject: message.header.get(DeadLetterHeaders.subject),
      originalSeq: Number(message.header.get(DeadLetterHeaders.streamSeq)),
      deliveries: Number(message.header.get(DeadLetterHeaders.deliveries)),
      storedAt: message.time.toISOString(),
      payload: message.string(),
    };
    if (!consumer || letter.consumer === consumer) letters.push(letter);
  }
  // A typo in a name would otherwise read as "no dead letters"; a consumer deleted since keeps its letters listed.
  if (consumer && letters.length === 0 && !(await consumerExists(jsm, topology.stream, consumer))) {
    throw new UnknownNameError(`no consumer "${consumer}" on ${topology.stream}`);
  }
  return letters;
}

async function consumerExists(jsm: JetStreamManager, stream: string, name: string): Promise<boolean> {
  try {
    await jsm.consumers.info(stream, name);
    return true;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return false;
    throw error;
  }
}

/**
 * Puts a dead letter's event back on its original subject so the consumers see it again. Consumers
 * that had already applied it skip it (their inbox has its id); the one that failed gets a new try.
 * The message id is new, or JetStream would drop it as a duplicate of the original.
 */
export async function retryDeadLetter(
  nc: NatsConnection,
  topology: Topology,
  seq: number,
): Promise<{ subject: string; streamSeq: number }> {
  const jsm = await jetstreamManager(nc);
  const message = await jsm.streams.getMessage(topology.deadLetterStream, { seq });
  if (!message) throw new UnknownNameError(`no dead letter #${seq} in ${topology.deadLetterStream}`);
  const subject = message.header.get(DeadLetterHeaders.subject);
  const decoded = decodeEvent(safeJson(message.string()));
  if (!decoded.ok) throw new Error(`dead letter #${seq} is still invalid (${decoded.reason}); fix the producer instead`);
  // Any service may write a dead letter, but only an event's owner could put it on the stream: the
  // CLI (which may publish every type) republishes only what the stream itself holds, byte for byte.
  const originalSeq = Number(message.header.get(DeadLetterHeaders.streamSeq));
  const original =
    Number.isSafeInteger(originalSeq) && originalSeq > 0
      ? await jsm.streams.getMessage(topology.stream, { seq: originalSeq }).catch(() => null)
      : null;
  if (!original || original.subject !== subject || !Buffer.from(original.data).equals(Buffer.from(message.data))) {
    throw new Error(`dead letter #${seq} is not the event stored at ${topology.stream}#${originalSeq}; not republished`);
  }
  const ack = await jetstream(nc).publish(subject, message.data, { msgID: `${decoded.event.id}:retry:${seq}` });
  return { subject, streamSeq: ack.seq };
}

/** Every event of one request, in stream order; a request with none is unknown. */
export async function requestHistory(
  nc: NatsConnection,
  topology: Topology,
  requestId: string,
): Promise<(AccessEvent & { streamSeq: number })[]> {
  const jsm = await jetstreamManager(nc);
  const history: (AccessEvent & { streamSeq: number })[] = [];
  for await (const message of messagesOf(nc, jsm, topology.stream)) {
    const decoded = decodeEvent(safeJson(message.string()));
    if (decoded.ok && decoded.event.requestId === requestId) history.push({ ...decoded.event, streamSeq: message.seq });
  }
  if (history.length === 0) throw new UnknownNameError(`no request ${requestId}: no event in ${topology.stream} names it`);
  return history;
}

/** A stored message as the commands read it. */
interface StoredMessage {
  seq: number;
  time: Date;
  data: Uint8Array;
  header: { get(key: string): string };
  string(): string;
}

/** Reads a whole stream, up to its last message now, with an ordered consumer the server forgets afterwards. */
export async function* messagesOf(nc: NatsConnection, jsm: JetStreamManager, stream: string): AsyncGenerator<StoredMessage> {
  const { state } = await jsm.streams.info(stream);
  if (state.messages === 0) return;
  const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume({ max_messages: 256 });
  try {
    for await (const message of messages) {
      yield {
        seq: message.seq,
        time: message.time,
        data: message.data,
        header: { get: (k) => message.headers?.get(k) ?? '' },
        string: () => message.string(),
      };
      if (message.seq >= state.last_seq) break;
    }
  } finally {
    await messages.close();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
