import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjectFor, type AccessEvent, type EventType, type Topology } from '@jit/events';

/** Every event on a test topology's stream, in stream order. */
export async function streamEvents(nc: NatsConnection, topology: Topology): Promise<AccessEvent[]> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(topology.stream);
  const events: AccessEvent[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq += 1) {
    const message = await jsm.streams.getMessage(topology.stream, { seq });
    if (message) events.push(message.json<AccessEvent>());
  }
  return events;
}

/** The events of one type and request on the stream. */
export async function eventsOf<T extends EventType>(
  nc: NatsConnection,
  topology: Topology,
  type: T,
  requestId: string,
): Promise<AccessEvent<T>[]> {
  const events = await streamEvents(nc, topology);
  return events.filter((e) => e.type === type && e.requestId === requestId) as AccessEvent<T>[];
}

/** Publishes an event as another service's outbox relay would. */
export async function publish(nc: NatsConnection, topology: Topology, event: AccessEvent): Promise<void> {
  await jetstream(nc).publish(subjectFor(topology, event.type), JSON.stringify(event), { msgID: event.id });
}
