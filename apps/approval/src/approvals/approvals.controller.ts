import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { ApiRoute, CurrentPrincipal, RequireScope, pageQueryShape, parseInput, viaOf, type Principal } from '@jit/platform';
import type { ApprovalRecord } from './approval.entity.js';
import { Approvals } from './approvals.js';

/**
 * `stage` is the stage the caller was shown (as `stage` in the approvals list); an answer for a
 * stage that is no longer open is refused (409 `stale_stage`) and changes nothing. Without it the
 * answer is for the stage open now: a caller who already answered is told so, never moved on to
 * the next stage, because one person approves at most one stage. `extension` instead names the
 * extension shown (`extension.index` in the list), which is answered only while it waits.
 */
const DecisionBody = z
  .object({
    decision: z.enum(['approve', 'deny']),
    comment: z.string().trim().max(2000).optional(),
    stage: z.number().int().min(0).max(100).optional(),
    extension: z.number().int().min(0).max(999).optional(),
  })
  .refine((body) => body.stage === undefined || body.extension === undefined, {
    message: 'name the stage or the extension answered, not both',
    path: ['extension'],
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

  /**
   * One page of the approvals the caller may decide now, oldest first, and only theirs: an API key
   * acting as itself approves nothing, so it sees none. A granted request whose extension waits on
   * the caller is listed among the pending ones with `extension` set (decided with `extension` in the body).
   */
  @ApiRoute({
    summary: 'The approvals the caller may decide, pending extensions of granted access included (marked `extension`)',
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
          {
            requestId: '0c6f3b7a-3d0e-4a8e-b1f4-2c5d9e7a8b61',
            requester: 'alice@example.com',
            application: { id: 'demo-sandbox', name: 'Demo sandbox' },
            durationSeconds: 1800,
            justification: 'INC-4212: rotate the sandbox keys',
            state: 'approved',
            stage: 0,
            stages: [['bob@example.com']],
            approvers: ['bob@example.com'],
            decisions: [{ stage: 0, by: 'bob@example.com', outcome: 'approved', at: '2026-01-05T09:02:00.000Z' }],
            createdAt: '2026-01-05T09:01:00.000Z',
            updatedAt: '2026-01-05T09:25:00.000Z',
            extension: {
              index: 0,
              durationSeconds: 900,
              justification: 'INC-4212: the rotation is still running',
              requestedAt: '2026-01-05T09:25:00.000Z',
              expiresAt: '2026-01-05T09:32:00.000Z',
            },
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
    const { state, cursor, limit } = parseInput(ListQuery, query, { where: '(query)' });
    const page = await this.approvals.list({ state, approver: principal.subject, cursor, limit });
    return { approvals: page.items.map(viewOf), nextCursor: page.nextCursor };
  }

  /**
   * The caller approves or denies a stage of a request. Anyone who is neither a resolved approver
   * of the request nor its requester gets 404, as for an id that does not exist. Repeating an
   * answer already given (a retry) is 200 with `alreadyDecided: true` and publishes nothing.
   */
  @ApiRoute({
    summary:
      'Approve or deny a stage of a request (the current one unless `stage` names it) or its waiting extension (`extension`); 409 stale_stage for a stage no longer open',
    body: DecisionBody,
    bodyExample: { decision: 'approve', comment: 'matches INC-4211', stage: 0 },
    params: { requestId: RequestId },
    response: {
      description: 'The approval after the decision; `alreadyDecided` when the caller had given this answer already (nothing changed)',
      example: { requestId: '5b0f9c1e-7d7c-4c1e-9a57-3f1f6c1e2a10', state: 'approved', stage: 0, alreadyDecided: false },
    },
    errors: [404, 409],
  })
  @Post(':requestId/decision')
  @HttpCode(200)
  async decide(
    @Param('requestId') requestId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ requestId: string; state: string; stage: number; alreadyDecided: boolean }> {
    parseInput(RequestId, requestId, { field: 'requestId' });
    const { decision, comment, stage, extension } = parseInput(DecisionBody, body);
    const via = viaOf(principal);
    const result = await this.approvals.decide(requestId, {
      kind: decision,
      by: principal.subject,
      ...(stage === undefined ? {} : { stage }),
      ...(extension === undefined ? {} : { extension }),
      ...(via ? { via } : {}),
      ...(comment ? { comment } : {}),
    });
    if (result.kind === 'refused') throw result.error;
    return { requestId, state: result.approval.state, stage: result.approval.stage, alreadyDecided: result.alreadyDecided };
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
  /** Set when what waits is an extension of the granted access, not the request itself. */
  extension?: PendingExtensionView;
}

/** An extension waiting for a decision: the `index`th asked, how much more and why, and when the access ends now. */
export interface PendingExtensionView {
  index: number;
  durationSeconds: number;
  justification: string;
  requestedAt: string;
  /** The access's current expiry, which the extension would move. */
  expiresAt: string | null;
}

function viewOf(record: ApprovalRecord): ApprovalView {
  const waiting = record.state === 'approved' ? record.extensions.at(-1) : undefined;
  const extension =
    waiting?.state === 'pending'
      ? {
          index: record.extensions.length - 1,
          durationSeconds: waiting.durationSeconds,
          justification: waiting.justification,
          requestedAt: waiting.at,
          expiresAt: record.access?.state === 'granted' ? record.access.expiresAt : null,
        }
      : undefined;
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
    ...(extension ? { extension } : {}),
  };
}
