import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableOf, type AccessEvent } from '@jit/events';
import { decodeCursor, pageOf, type Page } from '@jit/platform';
import type { ChainLink } from '../chain/verify.js';
import type { AuditRecord } from '../records/audit-record.js';
import { readStoredEvent } from '../records/stored-event.js';
import { readRecords, sqlOf } from '../records/sql.js';
import { PositionCursor, StreamSeqCursor, whereOf, type EventQuery } from './audit-query.js';

/** The filters that select the requests of an access report. */
export interface ReportScope {
  applicationId?: string;
  requester?: string;
}

/** One page of an access report's input: the events of the page's requests, and the grants the page covers. */
export interface ReportPage {
  events: AccessEvent[];
  grantIds: ReadonlySet<string>;
  nextCursor: string | null;
}

/** The event types an access report is built from. */
const reportTypes = ['requested', 'approved', 'granted', 'extended', 'revoked'] as const;

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
   * One page of the grants in scope, in chain order, with the events of their requests, read through
   * the registry as their latest version and ordered by request and then stream: the report never
   * reads a stored row's JSON by path. A page holds at most `limit` grants, so its memory is bounded.
   */
  async reportPage(scope: ReportScope, page: { cursor?: string; limit: number }): Promise<ReportPage> {
    const after = decodeCursor(PositionCursor, page.cursor)?.position ?? 0;
    const grantRows: { position: string; event_id: string; request_id: string }[] = await this.dataSource.query(
      `SELECT position, event_id, request_id FROM ${this.table}
       WHERE type = 'granted' AND ($1::text IS NULL OR application_id = $1) AND ($2::text IS NULL OR lower(requester) = lower($2)) AND position > $3
       ORDER BY position LIMIT $4`,
      [scope.applicationId ?? null, scope.requester ?? null, after, page.limit + 1],
    );
    const grants = pageOf(grantRows, page.limit, (row) => ({ position: Number(row.position) }));
    const rows: { event: unknown }[] = await this.dataSource.query(
      `SELECT event FROM ${this.table} WHERE type = ANY($1) AND request_id = ANY($2) ORDER BY request_id, stream_seq`,
      [reportTypes, [...new Set(grants.items.map((row) => row.request_id))]],
    );
    return {
      events: rows.map((row) => readStoredEvent(row.event)),
      grantIds: new Set(grants.items.map((row) => row.event_id)),
      nextCursor: grants.nextCursor,
    };
  }

  private records(clauses: string, params: unknown[]): Promise<AuditRecord[]> {
    return readRecords(sqlOf(this.dataSource), this.table, clauses, params);
  }

  private get table(): string {
    return tableOf(this.dataSource.manager, 'audit_events');
  }
}
