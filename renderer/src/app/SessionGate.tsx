import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Loading } from '../components/Loading.tsx';
import { prefetchOverview } from '../features/overview/queries.ts';
import { useLocation } from '../lib/router.ts';
import { useSession } from '../session/SessionProvider.tsx';
import { usePlatform } from '../platform/PlatformContext.tsx';
import { LoginView } from '../features/auth/LoginView.tsx';
import { ChangePasswordView } from '../features/auth/ChangePasswordView.tsx';
import { ConnectScreen } from '../features/connections/ConnectScreen.tsx';
import { LiveProvider } from '../live/LiveProvider.tsx';
import { Shell } from './Shell.tsx';

/** Decides what the window shows: connect, sign in, choose a password, or the console. */
export function SessionGate() {
  const { session } = useSession();
  const platform = usePlatform();
  const queryClient = useQueryClient();
  const { path } = useLocation();
  const ready = session.state === 'signed-in' && !session.user.mustChangePassword;
  useEffect(() => {
    // On the overview its reads start now rather than after the shell's first render
    // (prefetching what is still fresh in the cache costs nothing).
    if (ready && path === '/') prefetchOverview(queryClient, platform.api);
  }, [ready, path, queryClient, platform.api]);
  switch (session.state) {
    case 'restoring':
      return <Loading label="Restoring session" fullScreen />;
    case 'no-profile':
      return <ConnectScreen />;
    case 'signed-out':
      return platform.kind === 'desktop' ? <ConnectScreen /> : <LoginView />;
    case 'unreachable':
    case 'signed-in':
      if (!session.user) return <ConnectScreen />;
      if (session.user.mustChangePassword) return <ChangePasswordView />;
      return (
        <LiveProvider>
          <Shell user={session.user} />
        </LiveProvider>
      );
  }
}
