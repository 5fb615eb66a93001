import type { ServiceDefinition } from '@jit/platform';
import { CreateTimers1764000000100 } from './migrations/1764000000100-create-timers.js';
import { schedulerEnvSchema } from './scheduler.config.js';
import { TimersModule } from './timers/timers.module.js';

/** Scheduler: durable expiry timers that fire access.expired, also after downtime. */
export const schedulerService: ServiceDefinition = {
  name: 'scheduler',
  defaultPort: 3003,
  env: schedulerEnvSchema,
  imports: [TimersModule],
  migrations: [CreateTimers1764000000100],
};
