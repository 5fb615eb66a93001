/** The one page for someone not signed in: the way to the identity provider. */
export function SignInPage() {
  const returnTo = window.location.pathname + window.location.search;
  return (
    <main id="main" className="sign-in">
      <h1>JIT Access</h1>
      <p>Ask for time-bound access to an application, approve requests waiting on you, or review who had access when.</p>
      <p>
        <a className="button" href={`/auth/login?returnTo=${encodeURIComponent(returnTo)}`}>
          Sign in
        </a>
      </p>
    </main>
  );
}
