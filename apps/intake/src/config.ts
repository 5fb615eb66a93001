import { z } from 'zod';
import type { BaseConfig, ConfigRules } from '@jit/platform';
import { DEMO_CATALOG_FILE, demoCatalogRule } from '@jit/catalog';
import { webEnv, webRules } from './web/web.config.js';

/** Intake's own environment variables. */
export const intakeEnv = z.object({
  /** The path of the application catalog; the catalog module reads it once at start-up. */
  CATALOG_FILE: z.string().trim().min(1, 'expected the path of the catalog file').default(DEMO_CATALOG_FILE),
  ...webEnv.shape,
});

/** Intake's validated configuration. */
export type IntakeConfig = BaseConfig & z.infer<typeof intakeEnv>;

/** Rules between intake's variables, checked with the schema at start-up. */
export const intakeConfigRules: ConfigRules<typeof intakeEnv> = (values, ctx) => {
  demoCatalogRule(values, ctx);
  webRules(values, ctx);
};
