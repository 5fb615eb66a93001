import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import type { ApprovalPolicy } from '@jit/events';
import { ApiRoute, decodeCursor, pageOf, pageQueryShape, parseInput, RequireScope } from '@jit/platform';
import { Catalog, type Application } from '@jit/catalog';

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
  /** What the application is; null when the catalog does not say. */
  description: string | null;
  /** What a justification should say (`hint`), and the pattern it must contain a match of; each null when not set. */
  justification: { hint: string | null; pattern: string | null };
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
            description: 'The AWS console of the production account',
            justification: { hint: 'an incident or change number, e.g. INC-123', pattern: '\\b(INC|CHG)-\\d+\\b' },
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
      applications: page.items.map(({ application }) => viewOf(application)),
      nextCursor: page.nextCursor,
    };
  }
}

function viewOf(application: Application): ApplicationView {
  const { id, name, minDurationSeconds, maxDurationSeconds, approval, owners } = application;
  return {
    id,
    name,
    minDurationSeconds,
    maxDurationSeconds,
    approval,
    owners,
    description: application.description ?? null,
    justification: { hint: application.justificationHint ?? null, pattern: application.justificationPattern ?? null },
  };
}
