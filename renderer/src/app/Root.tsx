import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { Platform, SessionSnapshot } from '../platform/types.ts';
import { PlatformProvider } from '../platform/PlatformContext.tsx';
import { SessionProvider } from '../session/SessionProvider.tsx';
import { SessionGate } from './SessionGate.tsx';
import { theme } from './theme.ts';
import { createQueryClient } from './query-client.ts';
import { prefetchLanding } from '../features/overview/queries.ts';
import { currentPath } from '../lib/router.ts';

export interface RootProps {
  platform: Platform;
  /** A session restore already under way (started before the first render). */
  restoring?: Promise<SessionSnapshot>;
  queryClient?: QueryClient;
}

export function Root({ platform, restoring, queryClient }: RootProps) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  const onSignedIn = useCallback((session: SessionSnapshot) => prefetchLanding(client, platform.api, session, currentPath()), [client, platform.api]);
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <QueryClientProvider client={client}>
        <PlatformProvider platform={platform}>
          <ModalsProvider>
            <Notifications position="bottom-right" limit={4} />
            <SessionProvider restoring={restoring} onSignedIn={onSignedIn}>
              <SessionGate />
            </SessionProvider>
          </ModalsProvider>
        </PlatformProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
