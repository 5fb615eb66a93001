import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { api, ApiError } from '../api';
import { PageHeading } from '../layout';
import { REASONS, STATUS_TEXT, type RequestView } from '../requests';
import { formatSeconds, formatTime, timeZone } from '../time';

/** How often the list is refreshed: status changes show within this. */
const POLL_MS = 2000;

/** The signed-in person's requests, their status kept live, with what can be done with each. */
export function MyRequestsPage() {
  const location = useLocation();
  const [requests, setRequests] = useState<RequestView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState<string>(
    (location.state as { submitted?: string } | null)?.submitted ? 'Your request was sent.' : '',
  );
  const [now, setNow] = useState(() => Date.now());
  const seen = useRef(new Map<string, RequestView['status']>());

  const refresh = useCallback(async () => {
    try {
      const page = await api<{ requests: RequestView[] }>('/v1/requests?limit=100');
      const changes = page.requests.filter((r) => seen.current.has(r.id) && seen.current.get(r.id) !== r.status);
      if (changes.length > 0) setAnnouncement(changes.map((r) => `${r.applicationId}: ${STATUS_TEXT[r.status].toLowerCase()}`).join('. '));
      seen.current = new Map(page.requests.map((r) => [r.id, r.status]));
      setRequests(page.requests);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useEffect(() => {
    void refresh();
    const poll = setInterval(() => void refresh(), POLL_MS);
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      clearInterval(poll);
      clearInterval(tick);
    };
  }, [refresh]);

  return (
    <>
      <PageHeading>My requests</PageHeading>
      <p className="hint">Times are in your time zone, {timeZone}. This list updates by itself.</p>
      <div role="status" aria-live="polite" className="announcement">
        {announcement}
      </div>
      {error && <p role="alert">The requests could not be loaded: {error}</p>}
      {requests && requests.length === 0 && (
        <p>
          No requests yet. <Link to="/request">Request access</Link>
        </p>
      )}
      <ul className="cards" aria-label="Requests">
        {requests?.map((request) => (
          <RequestCard key={request.id} request={request} now={now} onChanged={refresh} />
        ))}
      </ul>
    </>
  );
}

function RequestCard({ request, now, onChanged }: { request: RequestView; now: number; onChanged: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [extending, setExtending] = useState(false);
  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    setProblem(null);
    try {
      await api(`/v1/requests/${request.id}/${path}`, { method: 'POST', body });
      await onChanged();
      return true;
    } catch (e) {
      setProblem(e instanceof ApiError ? e.message : (e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const headingId = `request-${request.id}`;
  return (
    <li className={`card status-${request.status}`} aria-labelledby={headingId}>
      <h2 id={headingId}>
        {request.applicationId} <span className="badge">{STATUS_TEXT[request.status]}</span>
      </h2>
      <dl>
        <dt>Duration</dt>
        <dd>{formatSeconds(request.durationSeconds)}</dd>
        <dt>Justification</dt>
        <dd>{request.justification}</dd>
        <dt>Asked</dt>
        <dd>{formatTime(request.createdAt)}</dd>
        <Situation request={request} now={now} />
        {request.ticketKey && (
          <>
            <dt>Jira</dt>
            <dd>{request.ticketKey}</dd>
          </>
        )}
      </dl>
      {problem && <p role="alert">{problem}</p>}
      <div className="actions">
        {(request.status === 'pending' || request.status === 'approved') && (
          <button type="button" disabled={busy} onClick={() => void act('cancel')}>
            Cancel
          </button>
        )}
        {request.status === 'granted' && !request.revokeRequestedAt && (
          <button type="button" disabled={busy} onClick={() => void act('revoke')}>
            Give up access
          </button>
        )}
        {request.status === 'granted' && request.canExtend === true && !extending && (
          <button type="button" disabled={busy} onClick={() => setExtending(true)}>
            Extend
          </button>
        )}
      </div>
      {extending && <ExtendForm request={request} onDone={() => setExtending(false)} act={act} />}
    </li>
  );
}

/** Where the request stands: who it waits on, when access ends, or why it ended. */
function Situation({ request, now }: { request: RequestView; now: number }) {
  if (request.status === 'pending') {
    const waitingOn = request.approval?.waitingOn ?? [];
    return (
      <>
        <dt>Waiting on</dt>
        <dd>{waitingOn.length > 0 ? waitingOn.join(', ') : 'finding the approvers…'}</dd>
      </>
    );
  }
  if (request.status === 'granted' && request.expiresAt) {
    const left = (Date.parse(request.expiresAt) - now) / 1000;
    return (
      <>
        <dt>Expires</dt>
        <dd>
          {formatTime(request.expiresAt)} (<span className="countdown">{formatSeconds(left)} left</span>)
          {request.revokeRequestedAt && ' — ending now'}
        </dd>
      </>
    );
  }
  if (request.status === 'revoked') {
    return (
      <>
        <dt>Ended</dt>
        <dd>
          {request.revokedAt ? formatTime(request.revokedAt) : ''}, because{' '}
          {REASONS[request.reason ?? ''] ?? request.reason ?? 'it was revoked'}
        </dd>
      </>
    );
  }
  if (request.reason) {
    return (
      <>
        <dt>Why</dt>
        <dd>{request.reason}</dd>
      </>
    );
  }
  return null;
}

function ExtendForm({
  request,
  onDone,
  act,
}: {
  request: RequestView;
  onDone: () => void;
  act: (path: string, body?: unknown) => Promise<boolean>;
}) {
  const [duration, setDuration] = useState('');
  const [justification, setJustification] = useState('');
  const id = `extend-${request.id}`;
  return (
    <form
      className="extend"
      aria-label={`Extend ${request.applicationId}`}
      onSubmit={async (e) => {
        e.preventDefault();
        if (await act('extend', { duration, justification })) onDone();
      }}
    >
      <label htmlFor={`${id}-duration`}>Extend by</label>
      <input id={`${id}-duration`} required value={duration} onChange={(e) => setDuration(e.target.value)} />
      <label htmlFor={`${id}-justification`}>Why</label>
      <textarea id={`${id}-justification`} required value={justification} onChange={(e) => setJustification(e.target.value)} />
      <button type="submit">Ask to extend</button>{' '}
      <button type="button" onClick={onDone}>
        Never mind
      </button>
    </form>
  );
}
