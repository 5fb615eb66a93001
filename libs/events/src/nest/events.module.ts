import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Clock, SystemClock } from '../clock.js';
import type { Topology } from '../jetstream/topology.js';
import { Outbox } from '../outbox/outbox.js';

/** Injection token of the event topology (stream names and subject prefixes). */
export const TOPOLOGY = Symbol('TOPOLOGY');

/**
 * What a service needs to publish events: the `Outbox` for its transactions, the `Clock` that
 * stamps them, and the topology. Handlers need nothing from here: `@OnEvent` methods are found by
 * the `JetStreamServer` transport.
 */
@Global()
@Module({})
export class EventsModule {
  static forRoot(options: { topology: Topology; clock?: Clock }): DynamicModule {
    const providers = [
      { provide: TOPOLOGY, useValue: options.topology },
      { provide: Clock, useValue: options.clock ?? new SystemClock() },
      { provide: Outbox, useValue: new Outbox(options.topology) },
    ];
    return { module: EventsModule, providers, exports: providers.map((p) => p.provide) };
  }
}
