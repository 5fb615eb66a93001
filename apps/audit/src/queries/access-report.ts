import { z } from 'zod';
import { LoginSchema, sameLogin, type AccessEvent, type Via } from '@jit/events';
import { pageQueryShape } from '@jit/platform';

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

/** One period during which someone held access, as the event log proves it. */
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

/** What is known of one request so far, while its events are read in stream order. */
interface RequestFacts {
  justification: string | null;
  approvers: string[];
  requestedVia: string | null;
  approvedVia: string[];
  grants: AccessEvent<'granted'>[];
  extendedTo: Date | null;
  revoked: AccessEvent<'revoked'> | null;
}

/**
 * Who held access when: one period per `granted` event, ending at its request's first `revoked`
 * event (or still open), with the latest expiry after extensions. A period is in the window when
 * it overlaps [from, to). `events` are decoded events (latest version), each request's in stream
 * order; periods are ordered by grant time, then in the order the requests came. With `grantIds`,
 * only the periods of those grants (one page of the report).
 */
export function accessPeriods(events: readonly AccessEvent[], query: ReportFilter, grantIds?: ReadonlySet<string>): AccessPeriod[] {
  const requests = new Map<string, RequestFacts>();
  for (const event of events) {
    const facts = requests.get(event.requestId) ?? {
      justification: null,
      approvers: [],
      requestedVia: null,
      approvedVia: [],
      grants: [],
      extendedTo: null,
      revoked: null,
    };
    requests.set(event.requestId, learn(facts, event));
  }
  const from = query.from === undefined ? undefined : new Date(query.from);
  const to = query.to === undefined ? undefined : new Date(query.to);
  const inWindow = (period: AccessPeriod): boolean =>
    (!from || period.revokedAt === null || new Date(period.revokedAt) >= from) && (!to || new Date(period.grantedAt) < to);
  const periods = [...requests.entries()].flatMap(([requestId, facts]) =>
    facts.grants
      .filter((grant) => inScope(grant, query) && (!grantIds || grantIds.has(grant.id)))
      .map((grant) => periodOf(requestId, facts, grant))
      .filter(inWindow),
  );
  // A stable sort keeps the requests' own order among grants of the same instant.
  return periods.sort((a, b) => new Date(a.grantedAt).getTime() - new Date(b.grantedAt).getTime());
}

function learn(facts: RequestFacts, event: AccessEvent): RequestFacts {
  switch (event.type) {
    case 'requested':
      return facts.justification === null
        ? { ...facts, justification: event.data.justification, requestedVia: describeVia(event.via) }
        : facts;
    case 'approved': {
      const via = describeVia(event.via);
      const approvedVia = via === null || facts.approvedVia.includes(via) ? facts.approvedVia : [...facts.approvedVia, via];
      return { ...facts, approvers: [...facts.approvers, event.data.approver], approvedVia };
    }
    case 'granted':
      return { ...facts, grants: [...facts.grants, event] };
    case 'extended':
      return { ...facts, extendedTo: later(new Date(event.data.expiresAt), facts.extendedTo) };
    case 'revoked':
      return facts.revoked ? facts : { ...facts, revoked: event };
    case 'approval_opened':
    case 'approval_escalated':
    case 'denied':
    case 'cancelled':
    case 'grant_retrying':
    case 'grant_failed':
    case 'expired':
    case 'revoke_requested':
    case 'revoke_failed':
    case 'ticket_opened':
    case 'ticket_closed':
    case 'extension_requested':
    case 'extension_approved':
    case 'extension_denied':
      return facts;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function inScope(grant: AccessEvent<'granted'>, query: ReportFilter): boolean {
  return (
    (query.applicationId === undefined || grant.data.applicationId === query.applicationId) &&
    // Events published before logins were canonical may spell the requester in any case.
    (query.requester === undefined || sameLogin(grant.data.requester, query.requester))
  );
}

function periodOf(requestId: string, facts: RequestFacts, grant: AccessEvent<'granted'>): AccessPeriod {
  return {
    requestId,
    requester: grant.data.requester,
    applicationId: grant.data.applicationId,
    oktaGroupId: grant.data.oktaGroupId,
    justification: facts.justification,
    approvers: facts.approvers,
    requestedVia: facts.requestedVia,
    approvedVia: facts.approvedVia,
    grantedAt: new Date(grant.data.grantedAt).toISOString(),
    expiresAt: later(new Date(grant.data.expiresAt), facts.extendedTo).toISOString(),
    revokedAt: facts.revoked ? new Date(facts.revoked.data.revokedAt).toISOString() : null,
    revokeReason: facts.revoked?.data.reason ?? null,
  };
}

/** A credential as one report cell: `api_key:<name>`, or the channel's kind; null for events that name none (older ones too). */
function describeVia(via: Via | undefined): string | null {
  if (!via) return null;
  return via.name ? `${via.kind}:${via.name}` : via.kind;
}

function later(a: Date, b: Date | null): Date {
  return b && b > a ? b : a;
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
