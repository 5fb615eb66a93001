import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { useCsrfToken } from './api';
import { Layout } from './layout';
import { ApprovalsPage } from './pages/approvals';
import { AuditPage } from './pages/audit';
import { MyRequestsPage } from './pages/my-requests';
import { RequestAccessPage } from './pages/request-access';
import { SignInPage } from './pages/sign-in';
import { TimelinePage } from './pages/timeline';
import { SessionContext, type Session } from './session';
import './styles.css';

async function currentSession(): Promise<Session | null> {
  const response = await fetch('/web/session', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`intake answered ${response.status} for the session`);
  return (await response.json()) as Session;
}

const session = await currentSession();
if (session) useCsrfToken(session.csrfToken);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {session ? (
      <SessionContext.Provider value={session}>
        <BrowserRouter>
          <Routes>
            <Route element={<Layout />}>
              <Route index element={<Navigate to="/requests" replace />} />
              <Route path="request" element={<RequestAccessPage />} />
              <Route path="requests" element={<MyRequestsPage />} />
              <Route path="approvals" element={<ApprovalsPage />} />
              <Route path="audit" element={<AuditPage />} />
              <Route path="audit/requests/:id" element={<TimelinePage />} />
              <Route path="*" element={<Navigate to="/requests" replace />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </SessionContext.Provider>
    ) : (
      <SignInPage />
    )}
  </StrictMode>,
);
