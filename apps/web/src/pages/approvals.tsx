import { useCallback, useEffect, useState } from 'react';
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
      {extension ? <ExtensionFacts approval={approval} extension={extension} /> : <RequestFacts approval={approval} />}
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

function RequestFacts({ approval }: { approval: Approval }) {
  return (
    <dl>
      <dt>Requester</dt>
      <dd>{approval.requester}</dd>
      <dt>Application</dt>
      <dd>{approval.application.name}</dd>
      <dt>Duration</dt>
      <dd>{formatSeconds(approval.durationSeconds)}</dd>
      <dt>Justification</dt>
      <dd>{approval.justification}</dd>
      <dt>Stage</dt>
      <dd>
        {approval.stage + 1} of {approval.stages.length}
      </dd>
      <dt>Asked</dt>
      <dd>{formatTime(approval.createdAt)}</dd>
    </dl>
  );
}

/** An extension: the access it would lengthen, by how much and why. */
function ExtensionFacts({ approval, extension }: { approval: Approval; extension: NonNullable<Approval['extension']> }) {
  return (
    <dl>
      <dt>Requester</dt>
      <dd>{approval.requester}</dd>
      <dt>Application</dt>
      <dd>{approval.application.name}</dd>
      <dt>Extend by</dt>
      <dd>{formatSeconds(extension.durationSeconds)}</dd>
      <dt>Access ends now</dt>
      <dd>{extension.expiresAt ? formatTime(extension.expiresAt) : 'not granted'}</dd>
      <dt>Justification</dt>
      <dd>{extension.justification}</dd>
      <dt>Granted for</dt>
      <dd>{formatSeconds(approval.durationSeconds)}</dd>
      <dt>Asked</dt>
      <dd>{formatTime(extension.requestedAt)}</dd>
    </dl>
  );
}
