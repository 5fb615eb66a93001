import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api';
import type { AuditEvent } from '../audit';
import { PageHeading } from '../layout';
import { formatTime, timeZone } from '../time';

/** What each event type means, in words. */
const TYPE_TEXT: Record<string, string> = {
  requested: 'Asked for access',
  approval_opened: 'Approvers resolved',
  approved: 'Approved',
  denied: 'Denied',
  cancelled: 'Cancelled',
  granted: 'Access started',
  grant_failed: 'Grant failed',
  expired: 'Time was up',
  revoke_requested: 'Asked to end access',
  revoked: 'Access ended',
  revoke_failed: 'Revocation failed (retried)',
  extension_requested: 'Asked for more time',
  extended: 'Extended',
  ticket_opened: 'Jira ticket opened',
  ticket_closed: 'Jira ticket closed',
};

/** The facts an auditor looks for in an event's data: who could approve, the Okta group, the Jira issue, the times. */
function details(event: AuditEvent): [string, string][] {
  const d = event.data;
  const facts: [string, string][] = [];
  const text = (value: unknown): string =>
    Array.isArray(value) ? value.map(text).join(', ') : typeof value === 'object' && value ? JSON.stringify(value) : String(value);
  if (d.requester) facts.push(['Requester', text(d.requester)]);
  if (d.application) facts.push(['Application', text((d.application as { name?: string }).name ?? d.application)]);
  if (d.justification) facts.push(['Justification', text(d.justification)]);
  if (d.stages)
    facts.push([
      'Who could approve',
      (d.stages as unknown[]).map((s) => text((s as { approvers?: unknown }).approvers ?? s)).join(' then '),
    ]);
  if (d.approver) facts.push(['Approved by', text(d.approver)]);
  if (d.by) facts.push(['By', text(d.by)]);
  if (d.comment) facts.push(['Comment', text(d.comment)]);
  if (d.reason) facts.push(['Reason', text(d.reason)]);
  if (d.oktaGroupId) facts.push(['Okta group', text(d.oktaGroupId)]);
  if (d.oktaUserId) facts.push(['Okta user', text(d.oktaUserId)]);
  if (d.ticketKey) facts.push(['Jira issue', text(d.ticketKey)]);
  if (typeof d.grantedAt === 'string') facts.push(['Started', formatTime(d.grantedAt)]);
  if (typeof d.expiresAt === 'string') facts.push(['Expires', formatTime(d.expiresAt)]);
  if (typeof d.revokedAt === 'string') facts.push(['Ended', formatTime(d.revokedAt)]);
  return facts;
}

/** One request's whole history from the audit store, in stream order. */
export function TimelinePage() {
  const { id = '' } = useParams();
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ events: AuditEvent[] }>(`/v1/audit/requests/${encodeURIComponent(id)}/timeline?limit=1000`).then(
      (page) => setEvents(page.events),
      (e: Error) => setError(e.message),
    );
  }, [id]);
  return (
    <>
      <PageHeading>Timeline</PageHeading>
      <p>
        Request <code>{id}</code>. Times are in your time zone, {timeZone}. <Link to="/audit">Back to the audit</Link>
      </p>
      {error && <p role="alert">{error}</p>}
      <ol className="timeline" aria-label="Events">
        {events?.map((event) => (
          <li key={event.id}>
            <h2>
              {TYPE_TEXT[event.type.replace(/^access\./, '')] ?? event.type} <span className="type">{event.type}</span>
            </h2>
            <p>
              <time dateTime={event.occurredAt}>{formatTime(event.occurredAt)}</time>, by {event.actor}
              {event.via ? ` via ${event.via.name ?? event.via.kind}` : ''}
            </p>
            <dl>
              {details(event).map(([term, value]) => (
                <div key={term}>
                  <dt>{term}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          </li>
        ))}
      </ol>
    </>
  );
}
