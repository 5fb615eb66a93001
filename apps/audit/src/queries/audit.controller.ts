import { Controller, Get, Headers, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ApiRoute, NotFoundError, RequireScope, parseInput } from '@jit/platform';
import { AuditorsOnly } from '../auditors/auditors-only.guard.js';
import { verifyChain, type ChainVerification } from '../chain/verify.js';
import type { AuditRecord } from '../records/audit-record.js';
import { accessPeriods, AccessReportQuerySchema, toCsv } from './access-report.js';
import { EventQuerySchema } from './audit-query.js';
import { AuditRepository } from './audit.repository.js';
import { EVENT_EXAMPLE } from './audit.examples.js';

/** The auditors' API: events by filter, a request's timeline, who held access when, and verification of the hash chain. */
@Controller('v1/audit')
@RequireScope('audit:read')
@UseGuards(AuditorsOnly)
export class AuditController {
  constructor(private readonly store: AuditRepository) {}

  @ApiRoute({
    summary: 'Recorded events by filter, a page at a time',
    query: EventQuerySchema,
    response: { description: 'A page of events; `nextCursor` fetches the next one', example: { events: [EVENT_EXAMPLE], nextCursor: 42 } },
  })
  @Get('events')
  async events(@Query() raw: Record<string, string>): Promise<{ events: Record<string, unknown>[]; nextCursor: number | null }> {
    const { records, nextCursor } = await this.store.events(parseInput(EventQuerySchema, raw, { where: '(query)' }));
    return { events: records.map(present), nextCursor };
  }

  /** Who held access when, as JSON or (with `format=csv` or `Accept: text/csv`) as CSV. */
  @ApiRoute({
    summary: 'Who held access to what, and when',
    description: 'JSON, or CSV with `format=csv` or `Accept: text/csv` (cells that a spreadsheet would run are neutralised).',
    query: AccessReportQuerySchema,
    response: { description: 'The access periods', contentTypes: ['application/json', 'text/csv'] },
  })
  @Get('access-report')
  async accessReport(
    @Query() raw: Record<string, string>,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const query = parseInput(AccessReportQuerySchema, raw, { where: '(query)' });
    const periods = accessPeriods(await this.store.reportEvents(query), query);
    const csv = query.format === 'csv' || (query.format === undefined && accept?.includes('text/csv'));
    if (csv) {
      response.type('text/csv').attachment('access-report.csv').send(toCsv(periods));
    } else {
      response.json({ periods });
    }
  }

  @ApiRoute({
    summary: "A request's whole history",
    response: {
      description: 'Every event of the request, in stream order',
      example: { requestId: '5b0f9c1e-7d7c-4c1e-9a57-3f1f6c1e2a10', events: [EVENT_EXAMPLE] },
    },
    errors: [404],
  })
  @Get('requests/:id/timeline')
  async timeline(@Param('id') requestId: string): Promise<{ requestId: string; events: Record<string, unknown>[] }> {
    const records = await this.store.timeline(requestId);
    if (records.length === 0) throw new NotFoundError(`no events for request ${requestId}`);
    return { requestId, events: records.map(present) };
  }

  /** Walks the whole chain and reports the first link whose hash does not match its content. */
  @ApiRoute({ summary: 'Verifies the hash chain of the audit store', response: { description: 'The first broken link, if any' } })
  @Get('verify')
  verify(): Promise<ChainVerification> {
    return verifyChain((after) => this.store.chainAfter(after));
  }
}

/** A record as the API shows it: the event as recorded, with its place in the stream and the chain. */
function present(record: AuditRecord): Record<string, unknown> {
  return { ...record.event, streamSeq: record.streamSeq, position: record.position, recordedAt: record.recordedAt, hash: record.hash };
}
