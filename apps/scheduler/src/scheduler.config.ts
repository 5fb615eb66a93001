import { z } from 'zod';
import type { BaseConfig } from '@jit/platform';

/** The scheduler's own settings. */
export const schedulerEnvSchema = z.object({
  /** How often the timer loop looks for due timers, in milliseconds. */
  SCHEDULER_TICK_MS: z.coerce.number().int().positive().default(1000),
});

/** The scheduler's validated configuration. */
export type SchedulerConfig = BaseConfig & z.infer<typeof schedulerEnvSchema>;
