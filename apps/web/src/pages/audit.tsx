import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, API_BASE } from '../api';
import { instantOf, queryOf, type AuditEvent } from '../audit';
import { PageHeading } from '../layout';
import { formatTime, timeZone } from '../time';

/** One period of access, as the access report lists it. */
interface AccessPeriod {
  requestId: string;
  requester: string;
  applicationId: string;
  approvers: string[];
  justification: string | null;
  grantedAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokeReason: string | null;
}

interface Verification {
  ok: boolean;
  checked: number;
  range: { from: number; to: number };
  firstBrokenLink?: unknown;
  nextCursor: string | null;
}

/** The auditor's desk: find requests, the access report for a period, and the hash chain's verification. */
export function AuditPage() {
  return (
    <>
      <PageHeading>Audit</PageHeading>
      <p className="hint">For auditors. Times are in your time zone, {timeZone}.</p>
      <SearchRequests />
      <AccessReport />
      <Verify />
    </>
  );
}

function SearchRequests() {
  const [requester, setRequester] = useState('');
  const [applicationId, setApplicationId] = useState('');
  const [results, setResults] = useState<AuditEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const search = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const query = queryOf({ type: 'requested', requester: requester.trim(), applicationId: applicationId.trim(), limit: '100' });
      const page = await api<{ events: AuditEvent[] }>(`/v1/audit/events?${query}`);
      setResults(page.events);
    } catch (err) {
      setResults(null);
      setError((err as Error).message);
    }
  };
  return (
    <section aria-labelledby="search-heading">
      <h2 id="search-heading">Find requests</h2>
      <form onSubmit={search} className="inline">
        <div className="field">
          <label htmlFor="audit-requester">Requester</label>
          <input id="audit-requester" type="email" value={requester} onChange={(e) => setRequester(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="audit-application">Application id</label>
          <input id="audit-application" value={applicationId} onChange={(e) => setApplicationId(e.target.value)} />
        </div>
        <button type="submit">Search</button>
      </form>
      {error && <p role="alert">{error}</p>}
      {results && (
        <div role="status">
          {results.length === 0 ? (
            <p>No requests found.</p>
          ) : (
            <table>
              <caption>Requests found: {results.length}</caption>
              <thead>
                <tr>
                  <th scope="col">Asked</th>
                  <th scope="col">Requester</th>
                  <th scope="col">Application</th>
                  <th scope="col">Timeline</th>
                </tr>
              </thead>
              <tbody>
                {results.map((event) => (
                  <tr key={event.id}>
                    <td>{formatTime(event.occurredAt)}</td>
                    <td>{String(event.data.requester ?? event.actor)}</td>
                    <td>{String((event.data.application as { name?: string } | undefined)?.name ?? '')}</td>
                    <td>
                      <Link to={`/audit/requests/${event.requestId}`}>Timeline of {event.requestId.slice(0, 8)}</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}

function AccessReport() {
  const [applicationId, setApplicationId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [periods, setPeriods] = useState<AccessPeriod[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = queryOf({ applicationId: applicationId.trim(), from: instantOf(from), to: instantOf(to) });
  const show = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const report = await api<{ periods?: AccessPeriod[]; grants?: AccessPeriod[] }>(`/v1/audit/access-report?${query}`);
      setPeriods(report.periods ?? report.grants ?? []);
    } catch (err) {
      setPeriods(null);
      setError((err as Error).message);
    }
  };
  return (
    <section aria-labelledby="report-heading">
      <h2 id="report-heading">Access report</h2>
      <form onSubmit={show} className="inline">
        <div className="field">
          <label htmlFor="report-application">Application id</label>
          <input id="report-application" value={applicationId} onChange={(e) => setApplicationId(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="report-from">From</label>
          <input id="report-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="report-to">To</label>
          <input id="report-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        <button type="submit">Show report</button>{' '}
        <a
          href={`${API_BASE}/v1/audit/access-report?${queryOf({ applicationId: applicationId.trim(), from: instantOf(from), to: instantOf(to), format: 'csv' })}`}
          download="access-report.csv"
        >
          Download CSV
        </a>
      </form>
      {error && <p role="alert">{error}</p>}
      {periods && (
        <table>
          <caption>Periods of access: {periods.length}</caption>
          <thead>
            <tr>
              <th scope="col">Requester</th>
              <th scope="col">Application</th>
              <th scope="col">Approvers</th>
              <th scope="col">Granted</th>
              <th scope="col">Ended</th>
            </tr>
          </thead>
          <tbody>
            {periods.map((p) => (
              <tr key={p.requestId}>
                <td>{p.requester}</td>
                <td>{p.applicationId}</td>
                <td>{p.approvers.join(', ')}</td>
                <td>{formatTime(p.grantedAt)}</td>
                <td>
                  {p.revokedAt ? `${formatTime(p.revokedAt)} (${p.revokeReason ?? 'revoked'})` : `expires ${formatTime(p.expiresAt)}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Verify() {
  const [result, setResult] = useState<Verification | null>(null);
  const [error, setError] = useState<string | null>(null);
  const verify = async () => {
    setError(null);
    try {
      setResult(await api<Verification>('/v1/audit/verify?limit=1000'));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section aria-labelledby="verify-heading">
      <h2 id="verify-heading">Verify the hash chain</h2>
      <button type="button" onClick={() => void verify()}>
        Verify
      </button>
      <div role="status" aria-live="polite">
        {result &&
          (result.ok ? (
            <p>
              The chain is intact: records {result.range.from} to {result.range.to} checked
              {result.nextCursor ? ' (more remain: verify again from the CLI for the whole chain)' : ''}.
            </p>
          ) : (
            <p className="error">The chain is broken: {JSON.stringify(result.firstBrokenLink)}</p>
          ))}
      </div>
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
