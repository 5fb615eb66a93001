import { createContext, useContext } from 'react';

/** Who is signed in, as intake's `GET /web/session` tells. */
export interface Session {
  login: string;
  name: string | null;
  csrfToken: string;
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in person; the pages under the layout only render once there is one. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
