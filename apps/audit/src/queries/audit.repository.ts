import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableOf } from '@jit/events';
import { decodeCursor, pageOf, type Page } from '@jit/platform';
import type { ChainLink } from '../chain/verify.js';
import type { AuditRecord } from '../records/audit-record.js';
import { grantsProjection, type HeldGrant } from '../projections/grants.js';
import { rowOf } from '../projections/projection.js';
import type { ReportFilter } from './access-report.js';
import { readRecords, sqlOf } from '../records/sql.js';
import { GrantCursor, PositionCursor, StreamSeqCursor, whereOf, type EventQuery } from './audit-query.js';

/** Reads the audit store; every value travels as a parameter. */
@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One page of records matching a query, in chain order, and the cursor of the next page (null on the last). */
  async events(query: EventQuery): Promise<Page<AuditRecord>> {
    const { sql, params } = whereOf(query, decodeCursor(PositionCursor, query.cursor)?.position);
    const records = await this.records(`${sql} ORDER BY position LIMIT ${query.limit + 1}`, params);
    return pageOf(records, query.limit, (record) => ({ position: record.position }));
  }

  /** One page of the records of one request, in stream order. */
  async timeline(requestId: string, page: { cursor?: string; limit: number }): Promise<Page<AuditRecord>> {
    const after = decodeCursor(StreamSeqCursor, page.cursor)?.streamSeq ?? 0;
    const records = await this.records(`WHERE request_id = $1 AND stream_seq > $2 ORDER BY stream_seq LIMIT ${page.limit + 1}`, [
      requestId,
      after,
    ]);
    return pageOf(records, page.limit, (record) => ({ streamSeq: record.streamSeq }));
  }

  /** Up to `limit` records after a position, in chain order. */
  chainAfter(position: number, limit = 1000): Promise<AuditRecord[]> {
    return this.records(`WHERE position > $1 ORDER BY position LIMIT ${limit}`, [position]);
  }

  /** The link at a chain position (its hash), if a record is there. */
  async linkAt(position: number): Promise<ChainLink | undefined> {
    const [record] = await this.records(`WHERE position = $1`, [position]);
    return record && { position: record.position, hash: record.hash };
  }

  /**
   * One page of the grants in a report's scope and window, by grant time (then request id), read
   * from the `grants` projection: one indexed query, where folding the events of every request in
   * scope took a read of each and a decode through the registry.
   */
  async reportPage(filter: ReportFilter, page: { cursor?: string; limit: number }): Promise<Page<HeldGrant>> {
    const after = decodeCursor(GrantCursor, page.cursor);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM ${grantsProjection.table}
       WHERE granted_at IS NOT NULL
         AND ($1::text IS NULL OR application_id = $1)
         AND ($2::text IS NULL OR lower(requester) = lower($2))
         AND ($3::timestamptz IS NULL OR ended_at IS NULL OR ended_at >= $3)
         AND ($4::timestamptz IS NULL OR granted_at < $4)
         AND ($5::timestamptz IS NULL OR (granted_at, request_id) > ($5, $6))
       ORDER BY granted_at, request_id LIMIT $7`,
      [
        filter.applicationId ?? null,
        filter.requester ?? null,
        filter.from ?? null,
        filter.to ?? null,
        after?.grantedAt ?? null,
        after?.requestId ?? null,
        page.limit + 1,
      ],
    );
    const grants = rows.map((row) => rowOf(grantsProjection, row) as HeldGrant);
    return pageOf(grants, page.limit, (grant) => ({ grantedAt: grant.granted_at, requestId: grant.request_id }));
  }

  private records(clauses: string, params: unknown[]): Promise<AuditRecord[]> {
    return readRecords(sqlOf(this.dataSource), this.table, clauses, params);
  }

  private get table(): string {
    return tableOf(this.dataSource.manager, 'audit_events');
  }
}
