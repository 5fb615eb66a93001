import { Controller, Get, Headers, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { NotFoundError, RequireScope, parseInput } from '@jit/platform';
import { AuditorsOnly } from '../auditors/auditors-only.guard.js';
import { verifyChain, type ChainVerification } from '../chain/verify.js';
import type { AuditRecord } from '../records/audit-record.js';
import { accessPeriods, AccessReportQuerySchema, toCsv } from './access-report.js';
import { EventQuerySchema } from './audit-query.js';
import { AuditRepository } from './audit.repository.js';

/** The auditors' API: events by filter, a request's timeline, who held access when, and verification of the hash chain. */
@Controller('v1/audit')
@RequireScope('audit:read')
@UseGuards(AuditorsOnly)
export class AuditController {
  constructor(private readonly store: AuditRepository) {}

  @Get('events')
  async events(@Query() raw: Record<string, string>): Promise<{ events: Record<string, unknown>[]; nextCursor: number | null }> {
    const { records, nextCursor } = await this.store.events(parseInput(EventQuerySchema, raw, { where: '(query)' }));
    return { events: records.map(present), nextCursor };
  }

  /** Who held access when, as JSON or (with `format=csv` or `Accept: text/csv`) as CSV. */
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

  @Get('requests/:id/timeline')
  async timeline(@Param('id') requestId: string): Promise<{ requestId: string; events: Record<string, unknown>[] }> {
    const records = await this.store.timeline(requestId);
    if (records.length === 0) throw new NotFoundError(`no events for request ${requestId}`);
    return { requestId, events: records.map(present) };
  }

  /** Walks the whole chain and reports the first link whose hash does not match its content. */
  @Get('verify')
  verify(): Promise<ChainVerification> {
    return verifyChain((after) => this.store.chainAfter(after));
  }
}

/** A record as the API shows it: the event as recorded, with its place in the stream and the chain. */
function present(record: AuditRecord): Record<string, unknown> {
  return { ...record.event, streamSeq: record.streamSeq, position: record.position, recordedAt: record.recordedAt, hash: record.hash };
}
