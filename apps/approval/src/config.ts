import { z } from 'zod';
import type { BaseConfig } from '@jit/platform';

const TOKEN_REQUIRED = 'required: an Okta API token (SSWS) with read access to users';

/** The approval service's own settings: where the directory (Okta) is. */
export const approvalEnvSchema = z.object({
  OKTA_ORG_URL: z.url({ protocol: /^https?$/, error: 'expected the Okta org URL, e.g. https://acme.okta.com' }),
  OKTA_API_TOKEN: z.string({ error: TOKEN_REQUIRED }).min(1, TOKEN_REQUIRED),
});

/** The approval service's validated configuration. */
export type ApprovalConfig = BaseConfig & z.infer<typeof approvalEnvSchema>;
