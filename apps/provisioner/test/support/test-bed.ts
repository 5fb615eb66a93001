import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { SystemClock, type Clock } from '@jit/events';
import { connectTestNats, deleteTopology } from '@jit/events/testing';
import { startTestService } from '@jit/platform/testing';
import { startVendorSim, type RequestLogLine, type VendorSim } from '../../../../tools/vendor-sim/src/index.js';
import { provisionerService } from '../../src/service.js';
import { RequestDriver } from './requests.js';
import { simulatorEnv } from './vendor-env.js';

/** A running provisioner against the simulator, with what its tests drive and read it through. */
export interface ProvisionerBed {
  sim: VendorSim;
  /** Every request the simulator answered, in order; tests empty it between cases. */
  calls: RequestLogLine[];
  nc: NatsConnection;
  service: Awaited<ReturnType<typeof startTestService>>;
  /** A client of the provisioner's own database, to read (or fault-inject into) its tables. */
  db: pg.Client;
  requests: RequestDriver;
  /** Stops the service and closes everything the bed opened, its streams deleted. */
  stop(): Promise<void>;
}

/** Starts the simulator, a provisioner pointed at it (`env` on top) and the clients a test file needs. */
export async function startProvisionerBed(name: string, options: { env?: NodeJS.ProcessEnv; clock?: Clock } = {}): Promise<ProvisionerBed> {
  const calls: RequestLogLine[] = [];
  const clock = options.clock ?? new SystemClock();
  const sim = await startVendorSim({ log: (line) => calls.push(line) });
  const nc = await connectTestNats();
  const service = await startTestService(provisionerService, {
    name,
    ...(options.clock ? { clock: options.clock } : {}),
    env: simulatorEnv(sim, options.env),
  });
  const db = new pg.Client({ connectionString: service.databaseUrl });
  await db.connect();
  return {
    sim,
    calls,
    nc,
    service,
    db,
    requests: new RequestDriver(nc, service.topology, clock),
    stop: async () => {
      await service.stop();
      await db.end();
      await deleteTopology(nc, service.topology);
      await nc.close();
      await sim.close();
    },
  };
}
