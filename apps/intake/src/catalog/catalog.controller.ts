import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import type { ApprovalPolicy } from '@jit/events';
import { ApiRoute, decodeCursor, pageOf, pageQueryShape, parseInput, RequireScope } from '@jit/platform';
import { Catalog } from '@jit/catalog';

/** `GET /v1/applications`'s query: a page of the catalog, in the catalog file's order. */
const CatalogQuery = z.object(pageQueryShape()).strict();

/** Where a page of the catalog ends: how many applications came before. */
const CatalogCursor = z.object({ offset: z.number().int().nonnegative() });

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
    summary: 'The applications one may ask access to, a page at a time',
    query: CatalogQuery,
    response: {
      description: 'One page of the catalog, in its order',
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
        nextCursor: null,
      },
    },
  })
  @Get()
  @RequireScope('requests:read')
  list(@Query() query: unknown): { applications: ApplicationView[]; nextCursor: string | null } {
    const { cursor, limit } = parseInput(CatalogQuery, query, { where: '(query)' });
    const offset = decodeCursor(CatalogCursor, cursor)?.offset ?? 0;
    const rows = this.catalog.applications
      .slice(offset, offset + limit + 1)
      .map((application, i) => ({ application, offset: offset + i + 1 }));
    const page = pageOf(rows, limit, (row) => ({ offset: row.offset }));
    return {
      applications: page.items.map(({ application: { id, name, minDurationSeconds, maxDurationSeconds, approval, owners } }) => ({
        id,
        name,
        minDurationSeconds,
        maxDurationSeconds,
        approval,
        owners,
      })),
      nextCursor: page.nextCursor,
    };
  }
}
