import { Controller, Get, Headers, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { decodeCursor, NotFoundError, pageOf, parseInput, ValidationError } from '@jit/platform';
import { AuditorsOnly } from '../auditors/auditors-only.guard.js';
import { CHAIN_START, verifyRun, type ChainVerification } from '../chain/verify.js';
import type { AuditRecord } from '../records/audit-record.js';
import { accessPeriods, AccessReportQuerySchema, toCsv, type AccessPeriod } from './access-report.js';
import { EventQuerySchema, PageQuerySchema, PositionCursor, VerifyQuerySchema } from './audit-query.js';
import { AuditRepository } from './audit.repository.js';

/** The auditors' API: events by filter, a request's timeline, who held access when, and verification of the hash chain. */
@Controller('v1/audit')
@UseGuards(AuditorsOnly)
export class AuditController {
  constructor(private readonly store: AuditRepository) {}

  @Get('events')
  async events(@Query() raw: Record<string, string>): Promise<{ events: Record<string, unknown>[]; nextCursor: string | null }> {
    const { items, nextCursor } = await this.store.events(parseInput(EventQuerySchema, raw, { where: '(query)' }));
    return { events: items.map(present), nextCursor };
  }

  /**
   * Who held access when, as JSON or (with `format=csv` or `Accept: text/csv`) as CSV, one page of
   * grants at a time (a page may hold fewer periods than `limit` when the time window leaves some
   * out). Pages follow the grants in chain order, periods within a page by grant time; the next
   * page's cursor is `nextCursor` in JSON and the `X-Next-Cursor` header in CSV.
   */
  @Get('access-report')
  async accessReport(
    @Query() raw: Record<string, string>,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const query = parseInput(AccessReportQuerySchema, raw, { where: '(query)' });
    const page = await this.store.reportPage(query, query);
    const periods: AccessPeriod[] = accessPeriods(page.events, query, page.grantIds);
    const csv = query.format === 'csv' || (query.format === undefined && accept?.includes('text/csv'));
    if (csv) {
      if (page.nextCursor) response.setHeader('X-Next-Cursor', page.nextCursor);
      response.type('text/csv').attachment('access-report.csv').send(toCsv(periods));
    } else {
      response.json({ periods, nextCursor: page.nextCursor });
    }
  }

  @Get('requests/:id/timeline')
  async timeline(
    @Param('id') id: string,
    @Query() raw: Record<string, string>,
  ): Promise<{ requestId: string; events: Record<string, unknown>[]; nextCursor: string | null }> {
    const requestId = parseInput(RequestIdSchema, id, { field: 'id' });
    const page = await this.store.timeline(requestId, parseInput(PageQuerySchema, raw, { where: '(query)' }));
    if (page.items.length === 0 && !raw.cursor) throw new NotFoundError(`no events for request ${requestId}`);
    return { requestId, events: page.items.map(present), nextCursor: page.nextCursor };
  }

  /**
   * Verifies one page of the chain: the records after `cursor` (from the first), up to `limit`,
   * tied to the record before them. The answer names the range checked and the cursor of the next
   * page; following `nextCursor` until it is null checks the whole chain as one walk would, and the
   * first broken link ends the walk.
   */
  @Get('verify')
  async verify(
    @Query() raw: Record<string, string>,
  ): Promise<ChainVerification & { range: { from: number; to: number }; nextCursor: string | null }> {
    const { cursor, limit } = parseInput(VerifyQuerySchema, raw, { where: '(query)' });
    const after = decodeCursor(PositionCursor, cursor)?.position ?? 0;
    const start = after === 0 ? CHAIN_START : await this.store.linkAt(after);
    if (!start)
      throw new ValidationError(`cursor: no record at position ${after}`, { issues: [{ field: 'cursor', message: 'no record there' }] });
    const page = pageOf(await this.store.chainAfter(after, limit + 1), limit, (record) => ({ position: record.position }));
    const run = verifyRun(page.items, start);
    const range = { from: after + 1, to: after + run.checked };
    return { ...run, range, nextCursor: run.ok ? page.nextCursor : null };
  }
}

/** A request id in a path: whatever id an event carried, within bounds. */
const RequestIdSchema = z.string().min(1).max(200);

/** A record as the API shows it: the event as recorded, with its place in the stream and the chain. */
function present(record: AuditRecord): Record<string, unknown> {
  return { ...record.event, streamSeq: record.streamSeq, position: record.position, recordedAt: record.recordedAt, hash: record.hash };
}
