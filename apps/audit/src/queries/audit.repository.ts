import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableOf, type AccessEvent } from '@jit/events';
import type { AuditRecord } from '../records/audit-record.js';
import { readStoredEvent } from '../records/stored-event.js';
import { whereOf, type EventQuery } from './audit-query.js';

interface Row {
  position: string;
  stream_seq: string;
  recorded_at: Date;
  event: AuditRecord['event'];
  prev_hash: string;
  hash: string;
}

/** The filters that select the requests of an access report. */
export interface ReportScope {
  applicationId?: string;
  requester?: string;
}

/** The event types an access report is built from. */
const reportTypes = ['requested', 'approved', 'granted', 'extended', 'revoked'] as const;

/** Reads the audit store; every value travels as a parameter. */
@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One page of records matching a query, in chain order, and the cursor of the next page (null on the last). */
  async events(query: EventQuery): Promise<{ records: AuditRecord[]; nextCursor: number | null }> {
    const { sql, params } = whereOf(query);
    const records = await this.records(`${sql} ORDER BY position LIMIT ${query.limit}`, params);
    const last = records.at(-1);
    return { records, nextCursor: records.length === query.limit && last ? last.position : null };
  }

  /** Every record of one request, in stream order. */
  timeline(requestId: string): Promise<AuditRecord[]> {
    return this.records(`WHERE request_id = $1 ORDER BY stream_seq`, [requestId]);
  }

  /** Up to `limit` records after a position, in chain order. */
  chainAfter(position: number, limit = 1000): Promise<AuditRecord[]> {
    return this.records(`WHERE position > $1 ORDER BY position LIMIT ${limit}`, [position]);
  }

  /**
   * The events of every request granted in scope, read through the registry as their latest
   * version, ordered by request and then stream: the report never reads a stored row's JSON by path.
   */
  async reportEvents(scope: ReportScope): Promise<AccessEvent[]> {
    const rows: { event: unknown }[] = await this.dataSource.query(
      `SELECT event FROM ${this.table}
       WHERE type = ANY($3) AND request_id IN (
         SELECT request_id FROM ${this.table}
         WHERE type = 'granted' AND ($1::text IS NULL OR application_id = $1) AND ($2::text IS NULL OR lower(requester) = lower($2)))
       ORDER BY request_id, stream_seq`,
      [scope.applicationId ?? null, scope.requester ?? null, reportTypes],
    );
    return rows.map((row) => readStoredEvent(row.event));
  }

  private async records(clauses: string, params: unknown[]): Promise<AuditRecord[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT position, stream_seq, recorded_at, event, prev_hash, hash FROM ${this.table} ${clauses}`,
      params,
    );
    return rows.map((row) => ({
      position: Number(row.position),
      streamSeq: Number(row.stream_seq),
      recordedAt: row.recorded_at.toISOString(),
      event: row.event,
      prevHash: row.prev_hash,
      hash: row.hash,
    }));
  }

  private get table(): string {
    return tableOf(this.dataSource.manager, 'audit_events');
  }
}
