import type { DataSource, EntityManager } from 'typeorm';
import type pg from 'pg';
import type { AuditRecord } from './audit-record.js';

/** A query against the audit database: the service's data source or the CLI's client, answered as rows. */
export type Sql = <Row = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<Row[]>;

/** The service's data source (or a transaction's manager) as an `Sql`. */
export function sqlOf(source: DataSource | EntityManager): Sql {
  return (text, params) => source.query(text, params);
}

/** A `pg` client as an `Sql`. */
export function sqlOfClient(client: pg.ClientBase): Sql {
  return async <Row>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as Row[];
}

interface RecordRow {
  position: string;
  stream_seq: string;
  recorded_at: Date;
  event: AuditRecord['event'];
  prev_hash: string;
  hash: string;
}

/** Records of the store by a WHERE/ORDER/LIMIT clause; every value travels as a parameter. */
export async function readRecords(sql: Sql, table: string, clauses: string, params: unknown[]): Promise<AuditRecord[]> {
  const rows = await sql<RecordRow>(`SELECT position, stream_seq, recorded_at, event, prev_hash, hash FROM ${table} ${clauses}`, params);
  return rows.map((row) => ({
    position: Number(row.position),
    streamSeq: Number(row.stream_seq),
    recordedAt: row.recorded_at.toISOString(),
    event: row.event,
    prevHash: row.prev_hash,
    hash: row.hash,
  }));
}
