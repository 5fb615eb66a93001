import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { DeadLetterHeaders, subjectFor, type EventType } from '@jit/events';
import type { RunningSystem } from './system.js';

/** A dead letter as ops see it: which consumer gave up on which message, and why. */
export interface DeadLetter {
  consumer: string;
  subject: string;
  reason: string;
  payload: string;
}

/** Publishes `payload` as it stands on the subject of `type`, as a broken or hostile publisher would. */
export async function publishRaw(system: RunningSystem, type: EventType, payload: string): Promise<void> {
  const nc = await connect({ servers: system.natsUrl, name: 'jest-publisher' });
  try {
    await jetstream(nc).publish(subjectFor(system.topology, type), payload, { msgID: randomUUID() });
  } finally {
    await nc.close();
  }
}

/** Every dead letter of the system, oldest first. */
export async function deadLetters(system: RunningSystem): Promise<DeadLetter[]> {
  const nc = await connect({ servers: system.natsUrl, name: 'jest-dead-letters' });
  try {
    const jsm = await jetstreamManager(nc);
    const stream = system.topology.deadLetterStream;
    const { state } = await jsm.streams.info(stream).catch(() => ({ state: { messages: 0, first_seq: 1, last_seq: 0 } }));
    const letters: DeadLetter[] = [];
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (!message) continue;
      letters.push({
        consumer: message.header.get(DeadLetterHeaders.consumer),
        subject: message.header.get(DeadLetterHeaders.subject),
        reason: message.header.get(DeadLetterHeaders.reason),
        payload: message.string(),
      });
    }
    return letters;
  } finally {
    await nc.close();
  }
}

/** Whether a service's durable consumer has every event of the stream delivered and acknowledged. */
export async function caughtUp(system: RunningSystem, consumer: string): Promise<boolean> {
  const nc = await connect({ servers: system.natsUrl, name: 'jest-consumers' });
  try {
    const info = await (await jetstreamManager(nc)).consumers.info(system.stream, consumer);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  } finally {
    await nc.close();
  }
}

/**
 * A well-formed `expired` envelope for `requestId` whose data breaks the contract (`expiresAt` is
 * not a time): a poison message, which every consumer must dead-letter rather than apply.
 */
export function poisonExpired(requestId: string, expiresAt: string): { id: string } & Record<string, unknown> {
  return {
    id: randomUUID(),
    type: 'expired',
    version: 1,
    occurredAt: new Date().toISOString(),
    requestId,
    actor: 'service:scheduler',
    correlationId: requestId,
    causationId: null,
    data: { expiresAt },
  };
}
