import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { User } from '../../../shared/api/auth.ts';
import { usePlatform } from '../platform/PlatformContext.tsx';
import type { SessionSnapshot } from '../platform/types.ts';

export type SessionState = SessionSnapshot | { state: 'restoring' };

interface SessionContextValue {
  session: SessionState;
  signIn(username: string, password: string): Promise<SessionSnapshot>;
  signOut(): Promise<void>;
  /** After a first-run password change the user record changes (mustChangePassword). */
  replaceUser(user: User): void;
  /** Desktop: a profile was selected or signed in through the connections view. */
  setSession(session: SessionSnapshot): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

interface SessionProviderProps {
  children: ReactNode;
  restoring?: Promise<SessionSnapshot> | undefined;
  /**
   * Told of a sign-in as soon as the server accepts it, before React renders the console:
   * the first screen's reads start then instead of after the shell's first render.
   */
  onSignedIn?: ((session: SessionSnapshot) => void) | undefined;
}

export function SessionProvider({ children, restoring, onSignedIn }: SessionProviderProps) {
  const platform = usePlatform();
  const queryClient = useQueryClient();
  const [session, setSession] = useState<SessionState>({ state: 'restoring' });

  useEffect(() => {
    let active = true;
    (restoring ?? platform.restoreSession()).then(
      (restored) => active && setSession(restored),
      () => active && setSession({ state: 'signed-out' }),
    );
    const off = platform.onSessionChange((next) => setSession(next));
    return () => {
      active = false;
      off();
    };
  }, [platform, restoring]);

  const signIn = useCallback(async (username: string, password: string) => {
    const next = await platform.signIn(username, password);
    onSignedIn?.(next);
    setSession(next);
    return next;
  }, [platform, onSignedIn]);

  const signOut = useCallback(async () => {
    const next = await platform.signOut();
    // Nothing of one user's data may linger for the next one.
    queryClient.clear();
    setSession(next);
  }, [platform, queryClient]);

  const replaceUser = useCallback((user: User) => setSession({ state: 'signed-in', user }), []);

  const value = useMemo(() => ({ session, signIn, signOut, replaceUser, setSession }), [session, signIn, signOut, replaceUser]);
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a <SessionProvider>');
  return value;
}

/** The signed-in user; views below the session gate can rely on it. */
export function useCurrentUser(): User | null {
  const { session } = useSession();
  return session.state === 'signed-in' || session.state === 'unreachable' ? session.user : null;
}
