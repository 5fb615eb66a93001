import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { decodeEvent, type Topology } from '@jit/events';
import type { StreamView } from './completeness.js';

/** The ACCESS stream and the audit consumer's acknowledgements, as completeness reads them. */
export function jetStreamView(jsm: JetStreamManager, topology: Topology, consumer = 'audit'): StreamView {
  return {
    async bounds() {
      const { state } = await jsm.streams.info(topology.stream);
      const ackFloor = await jsm.consumers.info(topology.stream, consumer).then(
        (info) => info.ack_floor.stream_seq,
        (error: unknown) => {
          if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return 0;
          throw error;
        },
      );
      return { first: state.first_seq, last: state.last_seq, ackFloor };
    },
    async eventIdAt(seq) {
      const message = await jsm.streams.getMessage(topology.stream, { seq }).catch(() => null);
      if (!message) return undefined;
      let raw: unknown;
      try {
        raw = message.json();
      } catch {
        return null;
      }
      const decoded = decodeEvent(raw);
      return decoded.ok ? decoded.event.id : null;
    },
  };
}
