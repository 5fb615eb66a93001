import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import { tableOf } from '@jit/events';

const isoDate = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time, e.g. 2026-01-01T00:00:00Z' });

/** The filters of `GET /v1/audit/access-report`. */
export const AccessReportQuerySchema = z
  .object({
    applicationId: z.string().min(1).optional(),
    requester: z.string().min(1).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    format: z.enum(['json', 'csv']).optional(),
  })
  .strict();

/** Parsed filters of an access report. */
export type AccessReportQuery = z.infer<typeof AccessReportQuerySchema>;

/** One period during which someone held access, as the event log proves it. */
export interface AccessPeriod {
  requestId: string;
  requester: string;
  applicationId: string;
  oktaGroupId: string;
  justification: string | null;
  approvers: string[];
  grantedAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokeReason: string | null;
}

/** The columns of the CSV export, in order. */
export const accessReportColumns: (keyof AccessPeriod)[] = [
  'requestId',
  'requester',
  'applicationId',
  'oktaGroupId',
  'justification',
  'approvers',
  'grantedAt',
  'expiresAt',
  'revokedAt',
  'revokeReason',
];

interface Row {
  request_id: string;
  requester: string;
  application_id: string;
  okta_group_id: string;
  justification: string | null;
  approvers: string[] | null;
  granted_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revoke_reason: string | null;
}

/**
 * Who held access when: one period per `granted` event, ending at its `revoked` event (or still
 * open), with the latest expiry after extensions. A period is in the window when it overlaps
 * [from, to).
 */
export async function accessReport(manager: EntityManager, query: AccessReportQuery): Promise<AccessPeriod[]> {
  const t = tableOf(manager, 'audit_events');
  const rows: Row[] = await manager.query(
    `SELECT g.request_id, g.requester, g.application_id,
            g.event->'data'->>'oktaGroupId' AS okta_group_id,
            (g.event->'data'->>'grantedAt')::timestamptz AS granted_at,
            greatest((g.event->'data'->>'expiresAt')::timestamptz, x.extended_to) AS expires_at,
            (SELECT r.event->'data'->>'justification' FROM ${t} r WHERE r.request_id = g.request_id AND r.type = 'requested' LIMIT 1) AS justification,
            (SELECT array_agg(a.event->'data'->>'approver' ORDER BY a.stream_seq) FROM ${t} a WHERE a.request_id = g.request_id AND a.type = 'approved') AS approvers,
            v.revoked_at, v.revoke_reason
     FROM ${t} g
     LEFT JOIN LATERAL (SELECT max((e.event->'data'->>'expiresAt')::timestamptz) AS extended_to
                        FROM ${t} e WHERE e.request_id = g.request_id AND e.type = 'extended') x ON true
     LEFT JOIN LATERAL (SELECT (r.event->'data'->>'revokedAt')::timestamptz AS revoked_at, r.event->'data'->>'reason' AS revoke_reason
                        FROM ${t} r WHERE r.request_id = g.request_id AND r.type = 'revoked' ORDER BY r.stream_seq LIMIT 1) v ON true
     WHERE g.type = 'granted'
       AND ($1::text IS NULL OR g.application_id = $1)
       AND ($2::text IS NULL OR g.requester = $2)
       AND ($3::timestamptz IS NULL OR coalesce(v.revoked_at, 'infinity') >= $3)
       AND ($4::timestamptz IS NULL OR (g.event->'data'->>'grantedAt')::timestamptz < $4)
     ORDER BY granted_at, g.request_id`,
    [query.applicationId ?? null, query.requester ?? null, query.from ?? null, query.to ?? null],
  );
  return rows.map((row) => ({
    requestId: row.request_id,
    requester: row.requester,
    applicationId: row.application_id,
    oktaGroupId: row.okta_group_id,
    justification: row.justification,
    approvers: row.approvers ?? [],
    grantedAt: row.granted_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokeReason: row.revoke_reason,
  }));
}

/** RFC 4180 CSV: a header line, then one line per period; approvers joined with spaces. */
export function toCsv(periods: AccessPeriod[]): string {
  const cell = (value: unknown): string => {
    const text = Array.isArray(value) ? value.join(' ') : value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [accessReportColumns.join(','), ...periods.map((p) => accessReportColumns.map((c) => cell(p[c])).join(','))].join('\r\n') + '\r\n';
}
