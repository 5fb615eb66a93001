import { Fragment, useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError } from '../api';
import { PageHeading } from '../layout';
import { formatSeconds, formatTime } from '../time';

/** An approval waiting on the signed-in person, as approval's `GET /v1/approvals` lists it. */
interface Approval {
  requestId: string;
  requester: string;
  application: { id: string; name: string };
  durationSeconds: number;
  justification: string;
  stage: number;
  stages: string[][];
  createdAt: string;
  /** Set when what waits is an extension of the granted access, not the request. */
  extension?: { index: number; durationSeconds: number; justification: string; requestedAt: string; expiresAt: string | null };
}

const POLL_MS = 3000;

/** The requests the signed-in person may decide now, with Approve and Deny. */
export function ApprovalsPage() {
  const [approvals, setApprovals] = useState<Approval[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');

  const refresh = useCallback(async () => {
    try {
      const page = await api<{ approvals: Approval[] }>('/v1/approvals?state=pending&limit=100');
      setApprovals(page.approvals);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => {
    void refresh();
    const poll = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(poll);
  }, [refresh]);

  return (
    <>
      <PageHeading>To approve</PageHeading>
      <div role="status" aria-live="polite" className="announcement">
        {announcement}
      </div>
      {error && <p role="alert">The approvals could not be loaded: {error}</p>}
      {approvals && approvals.length === 0 && <p>Nothing waits on you.</p>}
      <ul className="cards" aria-label="Approvals waiting on you">
        {approvals?.map((approval) => (
          <ApprovalCard
            key={`${approval.requestId}-${approval.extension ? `e${approval.extension.index}` : approval.stage}`}
            approval={approval}
            onDecided={async (text) => {
              setAnnouncement(text);
              await refresh();
            }}
          />
        ))}
      </ul>
    </>
  );
}

function ApprovalCard({ approval, onDecided }: { approval: Approval; onDecided: (text: string) => Promise<void> }) {
  const { extension } = approval;
  const [denying, setDenying] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const decide = async (decision: 'approve' | 'deny') => {
    if (decision === 'deny' && !reason.trim()) {
      setReasonError('Say why you deny it: the requester will read this');
      document.getElementById(`reason-${approval.requestId}`)?.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await api(`/v1/approvals/${approval.requestId}/decision`, {
        method: 'POST',
        body: {
          decision,
          ...(extension ? { extension: extension.index } : { stage: approval.stage }),
          ...(decision === 'deny' ? { comment: reason.trim() } : {}),
        },
      });
      const what = extension ? `the extension of ${approval.application.name}` : approval.application.name;
      await onDecided(`${decision === 'approve' ? 'Approved' : 'Denied'}: ${approval.requester}, ${what}`);
    } catch (e) {
      setProblem(e instanceof ApiError ? e.message : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const headingId = `approval-${approval.requestId}${extension ? `-e${extension.index}` : ''}`;
  return (
    <li className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {approval.requester}: {approval.application.name}
        {extension && <span className="badge">Extension</span>}
      </h2>
      <Facts approval={approval} />
      {problem && <p role="alert">{problem}</p>}
      {denying && (
        <div className="field">
          <label htmlFor={`reason-${approval.requestId}`}>Reason for denying</label>
          <textarea
            id={`reason-${approval.requestId}`}
            value={reason}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? `reason-${approval.requestId}-error` : undefined}
            onChange={(e) => setReason(e.target.value)}
          />
          {reasonError && (
            <p id={`reason-${approval.requestId}-error`} className="error">
              {reasonError}
            </p>
          )}
        </div>
      )}
      <div className="actions">
        {!denying && (
          <button type="button" disabled={busy} onClick={() => void decide('approve')}>
            Approve
          </button>
        )}
        <button type="button" disabled={busy} onClick={() => (denying ? void decide('deny') : setDenying(true))}>
          Deny
        </button>
        {denying && (
          <button type="button" onClick={() => setDenying(false)}>
            Back
          </button>
        )}
      </div>
    </li>
  );
}

/** What the approver is asked about: a request's stage, or an extension of the access (by how much, why, and when it ends now). */
function Facts({ approval }: { approval: Approval }) {
  const { extension } = approval;
  const rows: [string, ReactNode][] = [
    ['Requester', approval.requester],
    ['Application', approval.application.name],
    ...(extension
      ? ([
          ['Extend by', formatSeconds(extension.durationSeconds)],
          ['Access ends now', extension.expiresAt ? formatTime(extension.expiresAt) : 'not granted'],
          ['Justification', extension.justification],
          ['Granted for', formatSeconds(approval.durationSeconds)],
          ['Asked', formatTime(extension.requestedAt)],
        ] satisfies [string, ReactNode][])
      : ([
          ['Duration', formatSeconds(approval.durationSeconds)],
          ['Justification', approval.justification],
          ['Stage', `${approval.stage + 1} of ${approval.stages.length}`],
          ['Asked', formatTime(approval.createdAt)],
        ] satisfies [string, ReactNode][])),
  ];
  return (
    <dl>
      {rows.map(([term, value]) => (
        <Fragment key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}
