import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Topology } from './topology.js';

/** How a durable consumer redelivers. */
export interface ConsumerSettings {
  /** Durable name, one per service (and per purpose). */
  name: string;
  /** How long the server waits for an ack before redelivering. */
  ackWaitMs: number;
  /** Failed deliveries after which the consumer dead-letters an event (the server itself never gives up on one). */
  maxDeliver: number;
  /**
   * Delays before retrying after each failed attempt (the n-th failure waits `backoffMs[n-1]`,
   * the last repeats). Applied through `nak(delay)` rather than the consumer's server-side
   * `backoff`, because a server-side backoff replaces `ack_wait` with its first step and would
   * redeliver a slow but healthy handler's event to another replica.
   */
  backoffMs: number[];
  /** Messages a consumer may hold un-acked at once. */
  maxAckPending: number;
}

/**
 * Creates or updates the access stream and the dead-letter stream. Idempotent: every replica of
 * every service calls it at start-up. The access stream is the system of record: limits retention
 * with no age, size or count limit, so the application never deletes an event.
 */
export async function ensureStreams(jsm: JetStreamManager, topology: Topology): Promise<void> {
  await upsertStream(jsm, {
    name: topology.stream,
    subjects: [`${topology.prefix}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: topology.replicas,
    duplicate_window: nanos(topology.duplicateWindowMs),
    max_age: 0,
    max_msgs: -1,
    max_bytes: -1,
    discard: DiscardPolicy.Old,
    deny_delete: true,
    deny_purge: true,
  });
  await upsertStream(jsm, {
    name: topology.deadLetterStream,
    subjects: [`${topology.deadLetterPrefix}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: topology.replicas,
    duplicate_window: nanos(topology.duplicateWindowMs),
    max_age: 0,
  });
}

/**
 * Creates or updates a durable pull consumer over every access event. One consumer per service
 * sees all event types in stream order, which is what keeps one request's events in order.
 */
export async function ensureConsumer(jsm: JetStreamManager, topology: Topology, settings: ConsumerSettings): Promise<void> {
  const config = {
    durable_name: settings.name,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(settings.ackWaitMs),
    // Unlimited at the server: the consumer itself dead-letters an event that keeps failing, so no event is
    // silently dropped by the server's delivery limit while it waits behind (or for) another.
    max_deliver: -1,
    max_ack_pending: settings.maxAckPending,
    filter_subject: `${topology.prefix}.>`,
  };
  try {
    await jsm.consumers.info(topology.stream, settings.name);
    await jsm.consumers.update(topology.stream, settings.name, config);
  } catch (error) {
    if (!isNotFound(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    await jsm.consumers.add(topology.stream, { ...config, deliver_policy: DeliverPolicy.All });
  }
}

/**
 * Creates a missing stream, and updates one only when its configuration differs: a service's bus
 * user may look up and create the streams but not change them (docs/adr/0004-bus-permissions.md),
 * so an unchanged stream must need no update.
 */
async function upsertStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  let current: Partial<StreamConfig>;
  try {
    current = (await jsm.streams.info(config.name)).config;
  } catch (error) {
    if (!isNotFound(error, JetStreamApiCodes.StreamNotFound)) throw error;
    await jsm.streams.add(config);
    return;
  }
  const drifted = (Object.keys(config) as (keyof StreamConfig)[]).filter(
    (key) => JSON.stringify(current[key]) !== JSON.stringify(config[key]),
  );
  if (drifted.length === 0) return;
  try {
    await jsm.streams.update(config.name, config);
  } catch (error) {
    throw new Error(
      `stream ${config.name} differs from this configuration in ${drifted.join(', ')} and could not be updated ` +
        `(${error instanceof Error ? error.message : String(error)}); update it as the bus admin`,
      { cause: error },
    );
  }
}

function isNotFound(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
