import { useMemo, useState, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { SmartCloudOpsBridge } from '../../../../shared/ipc/bridge.ts';
import { capsuleApi } from '../../platform/capsule-api.ts';
import { PlatformProvider, usePlatform } from '../../platform/PlatformContext.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';

/**
 * Views below read imported capsules only: the platform's API is swapped for one answering
 * from the capsules cache (capsule-api.ts), and queries get their own client, so a capsule's
 * incident 3 never shares a cache entry with the server's incident 3.
 */
export function CapsuleScope({ children }: { children: (bridge: SmartCloudOpsBridge) => ReactNode }) {
  const platform = usePlatform();
  const { bridge } = platform;
  const scoped = useMemo(() => (bridge ? { ...platform, api: capsuleApi(bridge) } : null), [platform, bridge]);
  // Local reads are cheap and a capsule opened again replaces its data: no retries, no stale copies kept long.
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 0, gcTime: 60_000 } } }));
  if (!bridge || !scoped) return <EmptyState title="Desktop only" description="Incident capsules are opened in the desktop app." />;
  return (
    <PlatformProvider platform={scoped}>
      <QueryClientProvider client={client}>{children(bridge)}</QueryClientProvider>
    </PlatformProvider>
  );
}
