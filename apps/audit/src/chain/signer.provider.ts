import type { Provider } from '@nestjs/common';
import { SERVICE_CONFIG } from '@jit/platform';
import type { AuditConfig } from '../audit.config.js';
import { CheckpointSigner, LOCAL_SIGNING_KEY_FILE } from './checkpoints.js';

/** The checkpoint signer: the configured key, or in local mode one generated under `.data/` on first start. */
export const signerProvider: Provider = {
  provide: CheckpointSigner,
  inject: [SERVICE_CONFIG],
  useFactory: (config: AuditConfig) =>
    CheckpointSigner.fromFile(config.AUDIT_SIGNING_KEY_FILE ?? LOCAL_SIGNING_KEY_FILE, { generateIfMissing: config.JIT_MODE === 'local' }),
};
