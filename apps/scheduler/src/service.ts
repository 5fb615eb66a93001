import type { ServiceDefinition } from '@jit/platform';
import { CreateTimers1764000000100 } from './migrations/1764000000100-create-timers.js';

/** Scheduler: durable expiry timers that fire access.expired, also after downtime. */
export const schedulerService: ServiceDefinition = {
  name: 'scheduler',
  defaultPort: 3003,
  imports: [],
  migrations: [CreateTimers1764000000100],
};
