import { Group, Progress, Text, Tooltip } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Static } from 'typebox';
import type { SyncProgressSchema } from '../../../shared/ipc/channels/cache.ts';
import type { SmartCloudOpsBridge } from '../../../shared/ipc/bridge.ts';
import { usePlatform } from '../platform/PlatformContext.tsx';
import { formatAge } from '../lib/format.ts';

type SyncProgressEvent = Static<typeof SyncProgressSchema>;

/** Desktop: a progress bar while the local cache backfills from the server. */
export function SyncProgress() {
  const { bridge } = usePlatform();
  return bridge ? <DesktopSyncProgress bridge={bridge} /> : null;
}

function DesktopSyncProgress({ bridge }: { bridge: SmartCloudOpsBridge }) {
  const [progress, setProgress] = useState<SyncProgressEvent | null>(null);
  useEffect(() => bridge.cache.onSyncProgress(setProgress), [bridge]);
  if (!progress || progress.done) return null;
  const percent = progress.seriesTotal ? Math.min(100, (100 * progress.seriesSeen) / progress.seriesTotal) : null;
  const eta = progress.etaMs === null ? '' : `, about ${formatAge(progress.etaMs)} left`;
  return (
    <Tooltip label={`${progress.samples.toLocaleString()} samples at ${progress.samplesPerSecond.toLocaleString()}/s${eta}`}>
      <Group gap={6} wrap="nowrap" w={180} role="status" aria-label="Local cache backfill">
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>Caching</Text>
        <Progress value={percent ?? 100} animated={percent === null} striped style={{ flex: 1 }} aria-label="Backfill progress" />
      </Group>
    </Tooltip>
  );
}
