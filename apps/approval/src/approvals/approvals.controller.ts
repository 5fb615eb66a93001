import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { CurrentPrincipal, RequireScope, actsAsItself, pageQueryShape, parseInput, viaOf, type Principal } from '@jit/platform';
import type { ApprovalRecord } from './approval.entity.js';
import { Approvals } from './approvals.js';

const DecisionBody = z.object({
  decision: z.enum(['approve', 'deny']),
  comment: z.string().trim().max(2000).optional(),
});

const ListQuery = z.object({
  state: z.enum(['pending', 'approved', 'denied', 'cancelled']).default('pending'),
  ...pageQueryShape(),
});

const RequestId = z.uuid();

/** The web approvals API. */
@Controller('v1/approvals')
@RequireScope('approvals:decide')
export class ApprovalsController {
  constructor(private readonly approvals: Approvals) {}

  /** One page of the approvals the caller may decide now, oldest first; an API key acting as itself sees every one. */
  @Get()
  async list(
    @Query() query: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ approvals: ApprovalView[]; nextCursor: string | null }> {
    const { state, cursor, limit } = parseInput(ListQuery, query, { where: 'query' });
    const page = await this.approvals.list({ state, approver: actsAsItself(principal) ? undefined : principal.subject, cursor, limit });
    return { approvals: page.items.map(viewOf), nextCursor: page.nextCursor };
  }

  /** The caller approves or denies the current stage of a request. */
  @Post(':requestId/decision')
  @HttpCode(200)
  async decide(
    @Param('requestId') requestId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ requestId: string; state: string; stage: number }> {
    parseInput(RequestId, requestId, { field: 'requestId' });
    const { decision, comment } = parseInput(DecisionBody, body);
    const via = viaOf(principal);
    const result = await this.approvals.decide(requestId, {
      kind: decision,
      by: principal.subject,
      ...(via ? { via } : {}),
      ...(comment ? { comment } : {}),
    });
    if (result.kind === 'refused') throw result.error;
    return { requestId, state: result.approval.state, stage: result.approval.stage };
  }
}

/** An approval as the API shows it. */
export interface ApprovalView {
  requestId: string;
  requester: string;
  application: { id: string; name: string };
  durationSeconds: number;
  justification: string;
  state: string;
  stage: number;
  stages: string[][];
  approvers: string[];
  decisions: ApprovalRecord['decisions'];
  createdAt: string;
  updatedAt: string;
}

function viewOf(record: ApprovalRecord): ApprovalView {
  return {
    requestId: record.requestId,
    requester: record.requester,
    application: { id: record.application.id, name: record.application.name },
    durationSeconds: record.durationSeconds,
    justification: record.justification,
    state: record.state,
    stage: record.stage,
    stages: record.stages,
    approvers: record.approvers,
    decisions: record.decisions,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}
