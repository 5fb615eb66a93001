import { spawnSync } from 'node:child_process';
import { measureStartup } from '../startup.js';
import type { Benchmark, Figure } from './types.js';

const services = ['intake', 'approval', 'provisioner', 'scheduler', 'audit'];

/** Start-up and memory (bench/startup.ts) as a module of the suite: `npm start` timed cold and warm, each process's RSS at idle. */
export const startup: Benchmark = {
  name: 'startup',
  title: 'npm start: time to the banner, memory at idle',
  async run(ctx) {
    if (spawnSync('nats-server', ['--version']).error) {
      ctx.log('startup: skipped, nats-server is not on the PATH (npm start needs it)');
      return { figures: [], details: { skipped: 'nats-server is not on the PATH' } };
    }
    const measured = await measureStartup({
      warmStarts: ctx.quick ? 1 : 3,
      idleMs: ctx.quick ? 3_000 : 10_000,
      lifecycles: ctx.quick ? 2 : 20,
    });
    const { goals } = measured;
    const floor = { name: 'bare Node, same run', value: measured.bareNodeRssMiB, unit: 'MiB' };
    const figures: Figure[] = [
      {
        name: 'cold start to banner',
        value: measured.coldStartMs / 1000,
        unit: 's',
        goal: `< ${goals.coldStartMs / 1000} s`,
        pass: measured.coldStartMs < goals.coldStartMs,
      },
      {
        name: 'warm start to banner (median)',
        value: measured.warmStartMedianMs / 1000,
        unit: 's',
        goal: `< ${goals.warmStartMs / 1000} s`,
        pass: measured.warmStartMedianMs < goals.warmStartMs,
      },
      ...services.map((name) => ({
        name: `RSS at idle: ${name}`,
        value: measured.rssMiB[name] ?? 0,
        unit: 'MiB',
        limit: floor,
        goal: `< ${goals.serviceRssMiB} MiB`,
        pass: (measured.rssMiB[name] ?? Infinity) < goals.serviceRssMiB,
      })),
      ...services.flatMap((name): Figure[] =>
        name in measured.work.rssMiB
          ? [
              {
                name: `RSS after ${measured.work.lifecycles} lifecycles: ${name}`,
                value: measured.work.rssMiB[name]!,
                unit: 'MiB',
                limit: floor,
              },
              { name: `CPU per lifecycle: ${name}`, value: Math.round(measured.work.cpuMs[name]! / measured.work.lifecycles), unit: 'ms' },
            ]
          : [],
      ),
    ];
    return { figures, details: { ...measured } };
  },
};
