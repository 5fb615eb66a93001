import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '@jit/platform';
import { parseIdempotencyKey, parseListFilter, parseSubmit } from './request.input.js';
import { RequestCommands } from './request-commands.js';
import { RequestQueries } from './request-queries.js';
import type { RequestView, Submitted } from './request.view.js';

/** The requests API: ask for access, follow the request, cancel it or end the access early. */
@Controller('v1/requests')
export class RequestsController {
  constructor(
    @Inject(RequestCommands) private readonly commands: RequestCommands,
    @Inject(RequestQueries) private readonly queries: RequestQueries,
  ) {}

  @Post()
  @HttpCode(202)
  submit(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<Submitted> {
    return this.commands.submit(principal, parseSubmit(body), parseIdempotencyKey(idempotencyKey));
  }

  /** One page of the requests the caller may see, newest first; `nextCursor` asks for the next. */
  @Get()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
  ): Promise<{ requests: RequestView[]; nextCursor: string | null }> {
    const { items, nextCursor } = await this.queries.list(principal, parseListFilter(query));
    return { requests: items, nextCursor };
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<RequestView> {
    return this.queries.get(principal, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<RequestView> {
    return this.commands.cancel(principal, id);
  }

  /** Accepted: the access ends when the provisioner confirms, and the status then turns `revoked`. */
  @Post(':id/revoke')
  @HttpCode(202)
  revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<RequestView> {
    return this.commands.relinquish(principal, id);
  }
}
