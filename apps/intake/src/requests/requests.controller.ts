import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiRoute, CurrentPrincipal, RequireScope, type Principal } from '@jit/platform';
import {
  ExtendBody,
  IdempotencyKey,
  ListQuery,
  SubmitBody,
  parseExtend,
  parseIdempotencyKey,
  parseListFilter,
  parseSubmit,
} from './request.input.js';
import { RequestCommands } from './request-commands.js';
import { RequestQueries } from './request-queries.js';
import { WaitQuery, parseWait } from './request-wait.input.js';
import { RequestWaits, type WaitedView } from './request-waits.js';
import type { RequestView, Submitted } from './request.view.js';
import { EXTENSION_EXAMPLE, VIEW_EXAMPLE } from './request.examples.js';

/** The requests API: ask for access, follow the request, cancel it or end the access early. */
@Controller('v1/requests')
export class RequestsController {
  constructor(
    @Inject(RequestCommands) private readonly commands: RequestCommands,
    @Inject(RequestQueries) private readonly queries: RequestQueries,
    @Inject(RequestWaits) private readonly waits: RequestWaits,
  ) {}

  @ApiRoute({
    summary: 'Ask for time-bound access to an application',
    description:
      'Give `duration` (`1h30m`) or `durationMinutes`. The same `Idempotency-Key` with the same body answers the first request again; with another body, 409.',
    body: SubmitBody,
    bodyExample: { applicationId: 'aws-prod-console', duration: '1h', justification: 'INC-4211: refund stuck in the billing console' },
    headers: { 'Idempotency-Key': IdempotencyKey.optional() },
    response: {
      description: 'Accepted: the request waits for approval',
      example: { id: '5b0f9c1e-7d7c-4c1e-9a57-3f1f6c1e2a10', status: 'pending' },
    },
    errors: [409],
  })
  @Post()
  @HttpCode(202)
  @RequireScope('requests:create')
  submit(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<Submitted> {
    return this.commands.submit(principal, parseSubmit(body), parseIdempotencyKey(idempotencyKey));
  }

  /** One page of the requests the caller may see, newest first; `nextCursor` asks for the next. */
  @ApiRoute({
    summary: "The caller's requests, a page at a time (an API key may name a requester)",
    query: ListQuery,
    response: { description: 'One page of requests, newest first', example: { requests: [VIEW_EXAMPLE], nextCursor: null } },
  })
  @Get()
  @RequireScope('requests:read')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
  ): Promise<{ requests: RequestView[]; nextCursor: string | null }> {
    const { items, nextCursor } = await this.queries.list(principal, parseListFilter(query));
    return { requests: items, nextCursor };
  }

  /** With `waitFor`, a long poll: it answers when the status changes as asked, or cannot, or at the timeout (see `wait.outcome`). */
  @ApiRoute({
    summary: 'One request: its status, the approval stage it waits on and who can decide it, its ticket, a retry under way',
    description:
      'With `waitFor=<status>` (and `timeout`, default 30s, at most 60s) the answer waits until the request has that status ' +
      '(`wait.outcome: "reached"`), has one that can never lead to it (`"unreachable"`), or the timeout passes (`"timed_out"`); ' +
      'it is always 200 with the view as it then is.',
    query: WaitQuery,
    response: {
      description: 'The request (with `wait` when `waitFor` was given)',
      example: { ...VIEW_EXAMPLE, wait: { for: 'granted', outcome: 'reached' } },
    },
    errors: [404],
  })
  @Get(':id')
  @RequireScope('requests:read')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query() query: unknown): Promise<RequestView | WaitedView> {
    const { waitFor, timeoutMs } = parseWait(query);
    return waitFor ? this.waits.wait(principal, id, waitFor, timeoutMs) : this.queries.get(principal, id);
  }

  @ApiRoute({
    summary: 'Cancel a pending or approved request',
    response: { description: 'The cancelled request', example: { ...VIEW_EXAMPLE, status: 'cancelled', grantedAt: null, expiresAt: null } },
    errors: [404, 409],
  })
  @Post(':id/cancel')
  @HttpCode(200)
  @RequireScope('requests:create')
  cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<RequestView> {
    return this.commands.cancel(principal, id);
  }

  /** Accepted: the access ends when the provisioner confirms, and the status then turns `revoked`. */
  @ApiRoute({
    summary: 'End granted access early (relinquish)',
    response: { description: 'Accepted: the status turns `revoked` once the identity provider confirms', example: VIEW_EXAMPLE },
    errors: [404, 409],
  })
  @Post(':id/revoke')
  @HttpCode(202)
  @RequireScope('requests:create')
  revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<RequestView> {
    return this.commands.relinquish(principal, id);
  }

  /** Accepted: approval decides (at once when the application lets the requester extend alone), then the expiry moves. */
  @ApiRoute({
    summary: 'Ask for granted access to last longer',
    description:
      "Give `duration` (`30m`) or `durationMinutes`, and `justification` (matching the application's pattern, if it has one). " +
      "Bounded by the application's maximum total duration; approved again unless the application lets the requester extend alone up to a limit. " +
      '409 when the access is not granted, is ending or has expired, or an extension is already waiting.',
    body: ExtendBody,
    bodyExample: { duration: '30m', justification: 'INC-4211: the refund job is still running' },
    response: {
      description: 'Accepted: the request with `extension.status` `pending`; `expiresAt` moves once the extension is applied',
      example: { ...VIEW_EXAMPLE, canExtend: false, extension: EXTENSION_EXAMPLE },
    },
    errors: [404, 409],
  })
  @Post(':id/extend')
  @HttpCode(202)
  @RequireScope('requests:create')
  extend(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<RequestView> {
    return this.commands.extend(principal, id, parseExtend(body));
  }
}
