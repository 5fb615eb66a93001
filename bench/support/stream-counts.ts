import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Topology } from '@jit/events';

/** How many events of each type are on a topology's stream, read from the server's per-subject counts. */
export async function eventCounts(nc: NatsConnection, topology: Topology): Promise<Record<string, number>> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(topology.stream, { subjects_filter: `${topology.prefix}.>` });
  const counts: Record<string, number> = {};
  for (const [subject, count] of Object.entries(info.state.subjects ?? {})) counts[subject.slice(topology.prefix.length + 1)] = count;
  return counts;
}
