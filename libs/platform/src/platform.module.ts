import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { EventsModule, type Clock, type Topology } from '@jit/events';
import type { BaseConfig } from './config.js';
import { HealthController, type Readiness } from './health.controller.js';
import { NATS_CONNECTION, READINESS, SERVICE_CONFIG } from './tokens.js';

/** What the platform hands to every service's modules. */
export interface PlatformRuntime {
  config: BaseConfig;
  nc: NatsConnection;
  topology: Topology;
  readiness: Readiness;
  clock: Clock;
}

/** Provides the configuration, NATS, the events module (outbox, clock) and the health endpoints to a service. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(runtime: PlatformRuntime): DynamicModule {
    const providers = [
      { provide: SERVICE_CONFIG, useValue: runtime.config },
      { provide: NATS_CONNECTION, useValue: runtime.nc },
      { provide: READINESS, useValue: runtime.readiness },
    ];
    const events = EventsModule.forRoot({ topology: runtime.topology, clock: runtime.clock });
    return {
      module: PlatformModule,
      imports: [events],
      controllers: [HealthController],
      providers,
      exports: [...providers.map((p) => p.provide), events],
    };
  }
}
