import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import {
  ApiRoute,
  ConflictError,
  CurrentPrincipal,
  decodeCursor,
  encodeCursor,
  NotFoundError,
  pageQueryShape,
  parseInput,
  RequireScope,
  type Principal,
} from '@jit/platform';
import { assertOperator } from './operators.js';
import { ReconciliationLoop } from './reconciliation-loop.js';
import { latestRound } from './reconciliation.store.js';
import type { RoundReport } from './round-report.js';

/** `GET /v1/reconciliations/latest`'s query: a page of the findings. */
const LatestQuery = z.object(pageQueryShape()).strict();

/** Reconciliation on demand, and the last round's findings. */
@Controller('v1/reconciliations')
@RequireScope('admin')
export class ReconciliationController {
  constructor(
    private readonly reconciliation: ReconciliationLoop,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Runs a round now and answers with what it found and did (the first page of its findings;
   * `GET /v1/reconciliations/latest?cursor=` has the rest); 409 while another round is running.
   */
  @ApiRoute({
    summary: 'Runs a reconciliation round now (an operator key acting as itself)',
    response: { description: 'What the round found and did' },
    errors: [409],
  })
  @Post()
  @HttpCode(200)
  async run(@CurrentPrincipal() principal: Principal): Promise<PagedRound> {
    assertOperator(principal);
    const round = await this.reconciliation.runNow();
    if (!round) throw new ConflictError('a reconciliation round is running already; GET /v1/reconciliations/latest shows it once it ends');
    return roundPage(JSON.parse(JSON.stringify(round)) as StoredRound, 0, pageQueryShape().limit.parse(undefined));
  }

  /** The last round (scheduled or asked for): when it ran and what it found and did, its findings one page at a time. */
  @ApiRoute({
    summary: "The last round's findings, a page at a time (an operator key acting as itself)",
    query: LatestQuery,
    response: { description: 'The last round' },
    errors: [404],
  })
  @Get('latest')
  async latest(@CurrentPrincipal() principal: Principal, @Query() query: unknown): Promise<PagedRound> {
    assertOperator(principal);
    const { cursor, limit } = parseInput(LatestQuery, query, { where: '(query)' });
    const round = (await latestRound(this.dataSource.manager)) as StoredRound | undefined;
    if (!round) throw new NotFoundError('no reconciliation round has run yet');
    return roundPage(round, decodeCursor(FindingsCursor, cursor)?.offset ?? 0, limit);
  }
}

/** Where a page of a round's findings ends: how many of each list came before. */
const FindingsCursor = z.object({ offset: z.number().int().nonnegative() });

/** A round as stored (JSON): its lists of findings can be as long as a group is large. */
type StoredRound = Omit<RoundReport, 'startedAt' | 'finishedAt'> & { startedAt: string; finishedAt: string };

/** A round with one page of its findings and of those resolved, and the cursor of the next page. */
export type PagedRound = StoredRound & { nextCursor: string | null };

/** The same window of both lists of findings, so one cursor pages both. */
function roundPage(round: StoredRound, offset: number, limit: number): PagedRound {
  const end = offset + limit;
  const more = round.findings.length > end || round.resolved.length > end;
  return {
    ...round,
    findings: round.findings.slice(offset, end),
    resolved: round.resolved.slice(offset, end),
    nextCursor: more ? encodeCursor({ offset: end }) : null,
  };
}
