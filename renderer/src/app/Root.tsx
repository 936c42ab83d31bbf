import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Platform, SessionSnapshot } from '../platform/types.ts';
import { PlatformProvider } from '../platform/PlatformContext.tsx';
import { SessionProvider } from '../session/SessionProvider.tsx';
import { SessionGate } from './SessionGate.tsx';
import { theme } from './theme.ts';
import { createQueryClient } from './query-client.ts';

export interface RootProps {
  platform: Platform;
  /** A session restore already under way (started before the first render). */
  restoring?: Promise<SessionSnapshot>;
  queryClient?: QueryClient;
}

export function Root({ platform, restoring, queryClient }: RootProps) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <QueryClientProvider client={client}>
        <PlatformProvider platform={platform}>
          <ModalsProvider>
            <Notifications position="bottom-right" limit={4} />
            <SessionProvider restoring={restoring}>
              <SessionGate />
            </SessionProvider>
          </ModalsProvider>
        </PlatformProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
