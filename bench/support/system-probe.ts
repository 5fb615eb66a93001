import { readFileSync } from 'node:fs';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { serviceNames, startSystem, type RunningSystem, type ServiceName } from '../../e2e/support/system.js';
import { build } from '../../tools/dev/build.js';

/** CPU time a process has used, in milliseconds (user + system from /proc; Linux counts in 10 ms ticks). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A process's resident memory in MiB (/proc VmRSS). */
export function rssMiB(pid: number): number {
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return Math.round((kib / 1024) * 10) / 10;
}

/** CPU milliseconds each service has used since `before`. */
export function cpuSince(system: RunningSystem, before: Record<ServiceName, number>): Record<ServiceName, number> {
  return Object.fromEntries(serviceNames.map((name) => [name, cpuMs(system.services[name].child.pid!) - before[name]])) as Record<
    ServiceName,
    number
  >;
}

/** Every service's CPU milliseconds now. */
export function cpuNow(system: RunningSystem): Record<ServiceName, number> {
  return Object.fromEntries(serviceNames.map((name) => [name, cpuMs(system.services[name].child.pid!)])) as Record<ServiceName, number>;
}

/** When each event type reached the stream, by request: a plain subscription to the subjects, no consumer. */
export class EventClock {
  private readonly seen = new Map<string, number>();
  private readonly waiters = new Map<string, (at: number) => void>();
  private readonly subscriptions: Subscription[];

  constructor(nc: NatsConnection, prefix: string, types: string[]) {
    this.subscriptions = types.map((type) =>
      nc.subscribe(`${prefix}.${type}`, {
        callback: (_, message) => {
          const key = `${type}:${(message.json() as { requestId: string }).requestId}`;
          const at = performance.now();
          if (!this.seen.has(key)) this.seen.set(key, at);
          this.waiters.get(key)?.(at);
        },
      }),
    );
  }

  /** When `type` of `requestId` was seen, if it was. */
  at(type: string, requestId: string): number | undefined {
    return this.seen.get(`${type}:${requestId}`);
  }

  /** Resolves when `type` of `requestId` is seen (at once if it was). */
  when(type: string, requestId: string, timeoutMs = 120_000): Promise<number> {
    const key = `${type}:${requestId}`;
    const seen = this.seen.get(key);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} for ${requestId} in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.set(key, (at) => {
        clearTimeout(timer);
        this.waiters.delete(key);
        resolve(at);
      });
    });
  }

  close(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }
}

/**
 * The whole system as `npm start` runs it (every service its own process, compiled into `dist/` and
 * run with `npm start`'s Node flags, default loop ticks, info logs) against the real NATS, Postgres
 * and the simulator, with a bus connection for watching events.
 */
export async function startBenchSystem(
  name: string,
  options: Parameters<typeof startSystem>[2] = {},
): Promise<{ system: RunningSystem; nc: NatsConnection; stop(): Promise<void> }> {
  // startSystem shortens the scheduler's and revocation loop's ticks for tests; a benchmark runs the defaults.
  // As `npm start`: compiled first (nothing to do when no source changed since the last compile).
  await build();
  const system = await startSystem(name, { SCHEDULER_TICK_MS: '1000', REVOKE_TICK_MS: '1000' }, options);
  const nc = await connect({ servers: system.natsUrl, name: 'bench' });
  return {
    system,
    nc,
    async stop() {
      await nc.close();
      await system.stop();
    },
  };
}
