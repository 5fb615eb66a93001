import { z } from 'zod';
import type { BaseConfig } from '@jit/platform';
import { catalogFileSetting } from './catalog/catalog.file.js';

/** Intake's own environment variables. */
export const intakeEnv = z.object({
  CATALOG_FILE: catalogFileSetting,
});

/** Intake's validated configuration; `CATALOG_FILE` holds the catalog read from that file. */
export type IntakeConfig = BaseConfig & z.infer<typeof intakeEnv>;
