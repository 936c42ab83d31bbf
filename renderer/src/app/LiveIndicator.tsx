import { Badge, Tooltip } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { useState } from 'react';
import { useLive } from '../live/LiveProvider.tsx';
import { formatAge } from '../lib/format.ts';
import { useCacheFreshness } from '../platform/cache-freshness.ts';

const LOOK: Record<string, { color: string; label: string }> = {
  connecting: { color: 'gray', label: 'Connecting' },
  live: { color: 'teal', label: 'Live' },
  reconnecting: { color: 'yellow', label: 'Reconnecting' },
  offline: { color: 'red', label: 'Offline' },
};

/** Always visible: is what I see live, and if not, how old is it? */
export function LiveIndicator() {
  const live = useLive();
  const [now, setNow] = useState(() => Date.now());
  useInterval(() => setNow(Date.now()), 1000, { autoInvoke: true });

  const cached = useCacheFreshness();
  const look = LOOK[live.state] ?? { color: 'gray', label: live.state };
  // Offline on the desktop, views read the local cache: its age is what the user sees.
  const seenAt = cached && live.state !== 'live' ? cached.freshAsOf : live.lastEventAt;
  const age = seenAt === null ? null : formatAge(now - seenAt);
  const detail = age === null ? 'No live data received yet' : `Last update ${age} ago`;
  const text = live.state === 'live' || age === null ? look.label : `${look.label} · data ${age} old`;
  return (
    <Tooltip label={live.errorCode ? `${detail} (${live.errorCode})` : detail}>
      <Badge
        color={look.color}
        variant="dot"
        size="lg"
        role="status"
        aria-live="polite"
        data-testid="live-indicator"
        data-state={live.state}
        // Unlike other badges (global.css) it may shorten: "Reconnecting · data 5 min old"
        // must not push the phone header's controls off screen.
        miw={0}
      >
        {text}
      </Badge>
    </Tooltip>
  );
}
