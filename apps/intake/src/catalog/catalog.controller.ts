import { Controller, Get, Inject } from '@nestjs/common';
import type { ApprovalPolicy } from '@jit/events';
import { ApiRoute, RequireScope } from '@jit/platform';
import { Catalog } from '@jit/catalog';

/** An application as `GET /v1/applications` lists it. */
export interface ApplicationView {
  id: string;
  name: string;
  minDurationSeconds: number;
  maxDurationSeconds: number;
  approval: ApprovalPolicy;
  owners: string[];
}

/** Lists the catalog to any authenticated caller. */
@Controller('v1/applications')
export class CatalogController {
  constructor(@Inject(Catalog) private readonly catalog: Catalog) {}

  @ApiRoute({
    summary: 'The applications one may ask access to',
    response: {
      description: 'The catalog',
      example: {
        applications: [
          {
            id: 'aws-prod-console',
            name: 'AWS production console',
            minDurationSeconds: 900,
            maxDurationSeconds: 28800,
            approval: { kind: 'stages', stages: [{ kind: 'manager' }, { kind: 'owners' }] },
            owners: ['carol@example.com'],
          },
        ],
      },
    },
  })
  @Get()
  @RequireScope('requests:read')
  list(): { applications: ApplicationView[] } {
    return {
      applications: this.catalog.applications.map(({ id, name, minDurationSeconds, maxDurationSeconds, approval, owners }) => ({
        id,
        name,
        minDurationSeconds,
        maxDurationSeconds,
        approval,
        owners,
      })),
    };
  }
}
