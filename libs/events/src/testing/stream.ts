import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { decodeEvent } from '../contracts/decode.js';
import type { AccessEvent, EventType } from '../contracts/registry.js';
import { subjectFor, type Topology } from '../jetstream/topology.js';

/** Every event on a topology's stream, in stream order; each must satisfy its contract and sit on its own subject. */
export async function streamEvents(nc: NatsConnection, topology: Topology): Promise<AccessEvent[]> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(topology.stream);
  const events: AccessEvent[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const message = await jsm.streams.getMessage(topology.stream, { seq });
    if (!message) continue;
    const decoded = decodeEvent(message.json());
    if (!decoded.ok) throw new Error(`invalid event at ${topology.stream}#${seq}: ${decoded.reason}`);
    if (message.subject !== subjectFor(topology, decoded.event.type)) {
      throw new Error(`${decoded.event.type} event at ${topology.stream}#${seq} is on subject ${message.subject}`);
    }
    events.push(decoded.event);
  }
  return events;
}

/** Every event of one request on the stream, in stream order. */
export async function eventsOfRequest(nc: NatsConnection, topology: Topology, requestId: string): Promise<AccessEvent[]> {
  return (await streamEvents(nc, topology)).filter((e) => e.requestId === requestId);
}

/** The events of one type and request on the stream. */
export async function eventsOf<T extends EventType>(
  nc: NatsConnection,
  topology: Topology,
  type: T,
  requestId: string,
): Promise<AccessEvent<T>[]> {
  return (await eventsOfRequest(nc, topology, requestId)).filter((e) => e.type === type) as AccessEvent<T>[];
}

/** Publishes an event as another service's outbox relay would. */
export async function publish(nc: NatsConnection, topology: Topology, event: AccessEvent): Promise<void> {
  await jetstream(nc).publish(subjectFor(topology, event.type), JSON.stringify(event), { msgID: event.id });
}
