import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiRoute, ConflictError, CurrentPrincipal, NotFoundError, RequireScope, type Principal } from '@jit/platform';
import { assertOperator } from './operators.js';
import { ReconciliationLoop } from './reconciliation-loop.js';
import { latestRound } from './reconciliation.store.js';
import type { RoundReport } from './round-report.js';

/** Reconciliation on demand, and the last round's findings. */
@Controller('v1/reconciliations')
@RequireScope('admin')
export class ReconciliationController {
  constructor(
    private readonly reconciliation: ReconciliationLoop,
    private readonly dataSource: DataSource,
  ) {}

  /** Runs a round now and answers with what it found and did; 409 while another round is running. */
  @ApiRoute({
    summary: 'Runs a reconciliation round now (an operator key acting as itself)',
    response: { description: 'What the round found and did' },
    errors: [409],
  })
  @Post()
  @HttpCode(200)
  async run(@CurrentPrincipal() principal: Principal): Promise<RoundReport> {
    assertOperator(principal);
    const round = await this.reconciliation.runNow();
    if (!round) throw new ConflictError('a reconciliation round is running already; GET /v1/reconciliations/latest shows it once it ends');
    return round;
  }

  /** The last round (scheduled or asked for): when it ran and what it found and did. */
  @ApiRoute({
    summary: "The last round's findings (an operator key acting as itself)",
    response: { description: 'The last round' },
    errors: [404],
  })
  @Get('latest')
  async latest(@CurrentPrincipal() principal: Principal): Promise<unknown> {
    assertOperator(principal);
    const round = await latestRound(this.dataSource.manager);
    if (!round) throw new NotFoundError('no reconciliation round has run yet');
    return round;
  }
}
