import { Counter, register } from 'prom-client';

/** Counters of the event machinery, registered once per process on prom-client's default registry. */
export interface EventMetrics {
  published: Counter<'schema'>;
  handled: Counter<'consumer' | 'type' | 'outcome'>;
  deadLettered: Counter<'consumer'>;
  batched: Counter<'consumer'>;
}

let metrics: EventMetrics | undefined;

/** The process's event metrics, created on first use. */
export function eventMetrics(): EventMetrics {
  metrics ??= {
    published: new Counter({
      name: 'jit_outbox_published_total',
      help: 'Events published from the outbox',
      labelNames: ['schema'],
      registers: [register],
    }),
    handled: new Counter({
      name: 'jit_events_handled_total',
      help: 'Events handled by consumers, by outcome',
      labelNames: ['consumer', 'type', 'outcome'],
      registers: [register],
    }),
    deadLettered: new Counter({
      name: 'jit_dead_letters_total',
      help: 'Events sent to a dead-letter subject',
      labelNames: ['consumer'],
      registers: [register],
    }),
    batched: new Counter({
      name: 'jit_events_batched_total',
      help: 'Events applied in a transaction shared with other events (one commit for all)',
      labelNames: ['consumer'],
      registers: [register],
    }),
  };
  return metrics;
}
