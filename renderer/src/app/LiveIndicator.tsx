import { Badge, Tooltip } from '@mantine/core';
import { useInterval, useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { useLive } from '../live/LiveProvider.tsx';
import { formatAge } from '../lib/format.ts';
import { useCacheFreshness } from '../platform/cache-freshness.ts';

/** A phone's header leaves the indicator about 140 px: the state in a smaller badge, the age in its tooltip. */
const PHONE_QUERY = '(max-width: 36em)';

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
  const phone = useMediaQuery(PHONE_QUERY, typeof window === 'undefined' ? false : window.matchMedia(PHONE_QUERY).matches, { getInitialValueInEffect: false });
  // On a phone the whole sentence was cut to "RECONNEC…": the state is what must show.
  const text = live.state === 'live' || age === null || phone ? look.label : `${look.label} · data ${age} old`;
  return (
    <Tooltip label={live.errorCode ? `${detail} (${live.errorCode})` : detail}>
      <Badge
        color={look.color}
        variant="dot"
        size={phone ? 'md' : 'lg'}
        role="status"
        aria-live="polite"
        data-testid="live-indicator"
        data-state={live.state}
        // Unlike other badges (global.css) it may shorten rather than push the header's
        // controls off a narrow screen.
        miw={0}
      >
        {text}
      </Badge>
    </Tooltip>
  );
}
