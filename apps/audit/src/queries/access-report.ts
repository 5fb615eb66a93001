import { z } from 'zod';
import { LoginSchema } from '@jit/events';
import { pageQueryShape } from '@jit/platform';
import type { HeldGrant } from '../projections/grants.js';

const isoDate = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time, e.g. 2026-01-01T00:00:00Z' });

/** The filters of `GET /v1/audit/access-report`. */
export const AccessReportQuerySchema = z
  .object({
    applicationId: z.string().min(1).optional(),
    requester: LoginSchema.optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    format: z.enum(['json', 'csv']).optional(),
    ...pageQueryShape(),
  })
  .strict();

/** Parsed filters of an access report. */
export type AccessReportQuery = z.infer<typeof AccessReportQuerySchema>;

/** What selects the periods of a report: whose, for which application, in which window. */
export type ReportFilter = Pick<AccessReportQuery, 'applicationId' | 'requester' | 'from' | 'to'>;

/**
 * One period during which someone held access: one grant, with the latest expiry after extensions,
 * ending at its request's first `revoked` event (or still open). A period is in a report's window
 * when it overlaps [from, to).
 */
export interface AccessPeriod {
  requestId: string;
  requester: string;
  applicationId: string;
  oktaGroupId: string;
  justification: string | null;
  approvers: string[];
  /** The credential the request came through when it was not the requester's own (`api_key:<name>`), else null. */
  requestedVia: string | null;
  /** The credentials the approvals came through (`api_key:<name>`, `slack`), once each; empty when people decided themselves. */
  approvedVia: string[];
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
  'requestedVia',
  'approvedVia',
  'grantedAt',
  'expiresAt',
  'revokedAt',
  'revokeReason',
];

/** A grant of the `grants` projection as one period of the report. */
export function periodOf(grant: HeldGrant): AccessPeriod {
  return {
    requestId: grant.request_id,
    requester: grant.requester,
    applicationId: grant.application_id,
    oktaGroupId: grant.okta_group_id,
    justification: grant.justification,
    approvers: grant.approvers,
    requestedVia: grant.requested_via,
    approvedVia: grant.approved_via,
    grantedAt: grant.granted_at,
    expiresAt: grant.expires_at,
    revokedAt: grant.ended_at,
    revokeReason: grant.ended_how,
  };
}

/**
 * RFC 4180 CSV: a header line, then one line per period; approvers joined with spaces. A cell a
 * spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR: a justification
 * is anyone's text) is prefixed with `'`, as OWASP advises, so it is shown, never evaluated.
 */
export function toCsv(periods: AccessPeriod[]): string {
  const cell = (value: unknown): string => {
    const raw = Array.isArray(value) ? value.join(' ') : value === null || value === undefined ? '' : String(value);
    const text = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [accessReportColumns.join(','), ...periods.map((p) => accessReportColumns.map((c) => cell(p[c])).join(','))].join('\r\n') + '\r\n';
}
