import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { usePlatform } from '../platform/PlatformContext.tsx';
import type { LinkStatus } from '../platform/types.ts';
import { applyStreamEvent } from './apply-event.ts';
import { createBatchedInvalidator } from './batched-invalidator.ts';
import { toastCriticalAlert } from './critical-alert-toast.ts';
import { browserNotifyCritical } from './browser-notifications.ts';

export interface LiveState extends LinkStatus {
  /** Unix ms of the last event received, null before the first. */
  lastEventAt: number | null;
}

const LiveContext = createContext<LiveState>({ state: 'connecting', errorCode: null, lastEventAt: null });

/** Opens the live stream while signed in and pushes every event into the query cache. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const platform = usePlatform();
  const queryClient = useQueryClient();
  const [link, setLink] = useState<LinkStatus>({ state: 'connecting', errorCode: null });
  const [lastEventAt, setLastEventAt] = useState<number | null>(null);

  useEffect(() => {
    const invalidator = createBatchedInvalidator(queryClient);
    const close = platform.openStream({
      onEvent(event) {
        applyStreamEvent(queryClient, event, invalidator.invalidate);
        toastCriticalAlert(event);
        // The desktop app raises native notifications from main instead.
        if (platform.kind === 'web') browserNotifyCritical(event);
        setLastEventAt(Date.now());
      },
      onReset() {
        void queryClient.invalidateQueries();
      },
      onStatus(status) {
        setLink((previous) => {
          // Back from a gap: whatever happened meanwhile is not in the cache yet.
          if (status.state === 'live' && previous.state !== 'live' && previous.state !== 'connecting') void queryClient.invalidateQueries();
          return status;
        });
      },
    });
    return () => {
      close();
      invalidator.dispose();
    };
  }, [platform, queryClient]);

  const value = useMemo(() => ({ ...link, lastEventAt }), [link, lastEventAt]);
  return <LiveContext value={value}>{children}</LiveContext>;
}

export function useLive(): LiveState {
  return useContext(LiveContext);
}
