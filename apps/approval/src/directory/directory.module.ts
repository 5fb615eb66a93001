import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@jit/platform';
import type { ApprovalConfig } from '../config.js';
import { Directory } from './directory.js';
import { OktaDirectory } from './okta-directory.js';

/** Provides the `Directory` port, backed by Okta. */
@Module({
  providers: [
    {
      provide: Directory,
      useFactory: (config: ApprovalConfig) => new OktaDirectory({ orgUrl: config.OKTA_ORG_URL, token: config.OKTA_API_TOKEN }),
      inject: [SERVICE_CONFIG],
    },
  ],
  exports: [Directory],
})
export class DirectoryModule {}
