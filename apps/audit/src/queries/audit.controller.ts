import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { tableOf } from '@jit/events';
import { CurrentPrincipal, ForbiddenError, NotFoundError, SERVICE_CONFIG, ValidationError, actsAsItself, type Principal } from '@jit/platform';
import { GENESIS_HASH, linkHash } from '../chain/hash.js';
import type { AuditConfig } from '../audit.config.js';
import { accessReport, AccessReportQuerySchema, toCsv } from './access-report.js';
import { EventQuerySchema, whereOf } from './audit-query.js';

interface Row {
  position: string;
  stream_seq: string;
  recorded_at: Date;
  event: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** The auditors' API: events by filter, a request's timeline, and verification of the hash chain. */
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: AuditConfig,
  ) {}

  @Get('events')
  async events(@Query() raw: Record<string, string>, @CurrentPrincipal() principal: Principal): Promise<unknown> {
    this.assertAuditor(principal);
    const query = parseQuery(EventQuerySchema, raw);
    const { sql, params } = whereOf(query);
    const rows: Row[] = await this.dataSource.query(
      `SELECT position, stream_seq, recorded_at, event, prev_hash, hash FROM ${this.table} ${sql} ORDER BY position LIMIT ${query.limit}`,
      params,
    );
    const last = rows.at(-1);
    return { events: rows.map(present), nextCursor: rows.length === query.limit && last ? Number(last.position) : null };
  }

  /** Who held access when, as JSON or (with `format=csv` or `Accept: text/csv`) as CSV. */
  @Get('access-report')
  async accessReport(
    @Query() raw: Record<string, string>,
    @Headers('accept') accept: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res() response: Response,
  ): Promise<void> {
    this.assertAuditor(principal);
    const query = parseQuery(AccessReportQuerySchema, raw);
    const periods = await accessReport(this.dataSource.manager, query);
    const csv = query.format === 'csv' || (query.format === undefined && accept?.includes('text/csv'));
    if (csv) {
      response.type('text/csv').attachment('access-report.csv').send(toCsv(periods));
    } else {
      response.json({ periods });
    }
  }

  @Get('requests/:id/timeline')
  async timeline(@Param('id') requestId: string, @CurrentPrincipal() principal: Principal): Promise<unknown> {
    this.assertAuditor(principal);
    const rows: Row[] = await this.dataSource.query(
      `SELECT position, stream_seq, recorded_at, event, prev_hash, hash FROM ${this.table} WHERE request_id = $1 ORDER BY stream_seq`,
      [requestId],
    );
    if (rows.length === 0) throw new NotFoundError(`no events for request ${requestId}`);
    return { requestId, events: rows.map(present) };
  }

  /** Walks the whole chain and reports the first link whose hash does not match its content. */
  @Get('verify')
  async verify(@CurrentPrincipal() principal: Principal): Promise<unknown> {
    this.assertAuditor(principal);
    let prevHash = GENESIS_HASH;
    let checked = 0;
    for (let after = 0; ;) {
      const rows: Row[] = await this.dataSource.query(
        `SELECT position, stream_seq, recorded_at, event, prev_hash, hash FROM ${this.table} WHERE position > $1 ORDER BY position LIMIT 1000`,
        [after],
      );
      if (rows.length === 0) return { ok: true, checked, head: prevHash };
      for (const row of rows) {
        const position = Number(row.position);
        const expected = linkHash(prevHash, {
          position,
          streamSeq: Number(row.stream_seq),
          recordedAt: row.recorded_at.toISOString(),
          event: row.event,
        });
        if (row.prev_hash !== prevHash || row.hash !== expected || position !== checked + 1) {
          return {
            ok: false,
            checked,
            firstBrokenLink: { position, eventId: row.event.id, reason: brokenReason(row, prevHash, expected, checked + 1) },
          };
        }
        prevHash = row.hash;
        checked++;
        after = position;
      }
    }
  }

  private get table(): string {
    return tableOf(this.dataSource.manager, 'audit_events');
  }

  /** Auditors are the listed people and API keys used as themselves. */
  private assertAuditor(principal: Principal): void {
    if (!actsAsItself(principal) && !this.config.AUDITORS.includes(principal.subject)) throw new ForbiddenError(`${principal.subject} is not an auditor`);
  }
}

/** Validates query parameters, naming the first bad one. */
function parseQuery<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.join('.') || ('keys' in issue ? (issue.keys as string[]).join(', ') : '');
  throw new ValidationError(`${field || 'query'}: ${issue.message}`, parsed.error.issues);
}

function present(row: Row): Record<string, unknown> {
  return {
    ...row.event,
    streamSeq: Number(row.stream_seq),
    position: Number(row.position),
    recordedAt: row.recorded_at.toISOString(),
    hash: row.hash,
  };
}

function brokenReason(row: Row, prevHash: string, expected: string, position: number): string {
  if (Number(row.position) !== position) return `expected position ${position}: a row is missing`;
  if (row.prev_hash !== prevHash) return 'prev_hash does not match the previous row';
  return row.hash === expected ? 'unknown' : 'hash does not match the stored content';
}
