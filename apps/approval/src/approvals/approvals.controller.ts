import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { ApiRoute, CurrentPrincipal, RequireScope, actsAsItself, pageQueryShape, parseInput, viaOf, type Principal } from '@jit/platform';
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
  @ApiRoute({
    summary: 'The approvals the caller may decide',
    query: ListQuery,
    response: {
      description: 'The approvals in that state',
      example: {
        approvals: [
          {
            requestId: '5b0f9c1e-7d7c-4c1e-9a57-3f1f6c1e2a10',
            requester: 'alice@example.com',
            application: { id: 'aws-prod-console', name: 'AWS production console' },
            durationSeconds: 3600,
            justification: 'INC-4211: refund stuck in the billing console',
            state: 'pending',
            stage: 0,
            stages: [['bob@example.com'], ['carol@example.com']],
            approvers: ['bob@example.com'],
            decisions: [],
            createdAt: '2026-01-05T09:00:00.000Z',
            updatedAt: '2026-01-05T09:00:00.000Z',
          },
        ],
      },
    },
  })
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
  @ApiRoute({
    summary: 'Approve or deny the current stage of a request',
    body: DecisionBody,
    bodyExample: { decision: 'approve', comment: 'matches INC-4211' },
    params: { requestId: RequestId },
    response: {
      description: 'The approval after the decision',
      example: { requestId: '5b0f9c1e-7d7c-4c1e-9a57-3f1f6c1e2a10', state: 'approved', stage: 0 },
    },
    errors: [404, 409],
  })
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
