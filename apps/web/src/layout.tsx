import { useEffect, useRef, useState } from 'react';
import { NavLink, Outlet } from 'react-router';
import { useSession } from './session';

/** The frame of every page: a skip link, the navigation, who is signed in, and the page itself. */
export function Layout() {
  const session = useSession();
  const [signingOut, setSigningOut] = useState(false);
  const signOut = async () => {
    setSigningOut(true);
    await fetch('/auth/logout', { method: 'POST', headers: { 'x-csrf-token': session.csrfToken }, credentials: 'same-origin' });
    window.location.assign('/');
  };
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <p className="brand">JIT Access</p>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to="/request">Request access</NavLink>
            </li>
            <li>
              <NavLink to="/requests">My requests</NavLink>
            </li>
            <li>
              <NavLink to="/approvals">To approve</NavLink>
            </li>
            <li>
              <NavLink to="/audit">Audit</NavLink>
            </li>
          </ul>
        </nav>
        <p className="who">
          Signed in as <strong>{session.name ?? session.login}</strong>{' '}
          <button type="button" className="link" onClick={signOut} disabled={signingOut}>
            Sign out
          </button>
        </p>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

/** A page's heading: it names the page in the title and takes the focus when the page opens, for screen readers. */
export function PageHeading({ children }: { children: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${children} · JIT Access`;
    ref.current?.focus();
  }, [children]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}
