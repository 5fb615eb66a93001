import type { EventType } from '../contracts/registry.js';

/** Where events live: stream names and subject prefixes, configurable so test files and environments never collide. */
export interface Topology {
  /** The stream of access events (`ACCESS`). */
  stream: string;
  /** Subject prefix of access events (`access`, giving `access.requested`). */
  prefix: string;
  /** The stream that keeps dead letters for ops (`DEADLETTER`). */
  deadLetterStream: string;
  /** Subject prefix of dead letters (`deadletter`, giving `deadletter.<consumer>`). */
  deadLetterPrefix: string;
  /** Stream replicas: 1 on one machine, 3 in a cluster. */
  replicas: number;
  /** How long JetStream remembers a `Nats-Msg-Id` to drop a re-published duplicate. */
  duplicateWindowMs: number;
}

/** The production topology. */
export const defaultTopology: Topology = {
  stream: 'ACCESS',
  prefix: 'access',
  deadLetterStream: 'DEADLETTER',
  deadLetterPrefix: 'deadletter',
  replicas: 1,
  duplicateWindowMs: 60 * 60 * 1000,
};

/** The subject an event type is published on, e.g. `access.granted`. */
export function subjectFor(topology: Topology, type: EventType): string {
  return `${topology.prefix}.${type}`;
}

/** The event type a subject carries, or undefined when the subject is not an event subject. */
export function typeOfSubject(topology: Topology, subject: string): string | undefined {
  const head = `${topology.prefix}.`;
  return subject.startsWith(head) ? subject.slice(head.length) : undefined;
}

/** The dead-letter subject of one consumer. */
export function deadLetterSubject(topology: Topology, consumer: string): string {
  return `${topology.deadLetterPrefix}.${consumer}`;
}
