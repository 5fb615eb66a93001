import type { ServiceDefinition } from '@jit/platform';
import { AdminModule } from './admin/admin.module.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { intakeConfigRules, intakeEnv } from './config.js';
import { CreateRequests1764000000100 } from './migrations/1764000000100-create-requests.js';
import { OneOpenRequestPerApplication1764000000200 } from './migrations/1764000000200-one-open-request-per-application.js';
import { WhereARequestIs1764000000300 } from './migrations/1764000000300-where-a-request-is.js';
import { GrantRetries1764000000350 } from './migrations/1764000000350-grant-retries.js';
import { WebSessions1764000000400 } from './migrations/1764000000400-web-sessions.js';
import { Extensions1764000000500 } from './migrations/1764000000500-extensions.js';
import { AnnounceRequestChanges1764000000600 } from './migrations/1764000000600-announce-request-changes.js';
import { RequestRecord } from './requests/request.entity.js';
import { RequestsModule } from './requests/requests.module.js';
import { webSettingsOf } from './web/web.config.js';
import { WebModule } from './web/web.module.js';
import { webAppPaths } from './web/web.openapi.js';

/** Request intake: the application catalog, requests and their status, and the self-service web app. */
export const intakeService: ServiceDefinition<typeof intakeEnv> = {
  name: 'intake',
  defaultPort: 3000,
  env: intakeEnv,
  rules: intakeConfigRules,
  imports: [CatalogModule, RequestsModule, AdminModule, WebModule],
  handWrittenPaths: (config) => (webSettingsOf(config).enabled ? webAppPaths : undefined),
  entities: [RequestRecord],
  migrations: [
    CreateRequests1764000000100,
    OneOpenRequestPerApplication1764000000200,
    WhereARequestIs1764000000300,
    GrantRetries1764000000350,
    WebSessions1764000000400,
    Extensions1764000000500,
    AnnounceRequestChanges1764000000600,
  ],
};
