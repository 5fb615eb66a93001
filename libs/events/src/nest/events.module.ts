import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Clock, SystemClock } from '../clock.js';
import type { Topology } from '../jetstream/topology.js';
import { Outbox } from '../outbox/outbox.js';

/**
 * What a service needs to publish events: the `Outbox` for its transactions and the `Clock` that
 * stamps them. Handlers need nothing from here: `@OnEvent` methods are found by
 * the `JetStreamServer` transport.
 */
@Global()
@Module({})
export class EventsModule {
  static forRoot(options: { topology: Topology; clock?: Clock }): DynamicModule {
    const providers = [
      { provide: Clock, useValue: options.clock ?? new SystemClock() },
      { provide: Outbox, useValue: new Outbox(options.topology) },
    ];
    return { module: EventsModule, providers, exports: providers.map((p) => p.provide) };
  }
}
