import { Group, Paper, Text } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import type { Series } from '../../../../shared/api/metrics.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { TimeSeriesChart } from '../../components/chart/TimeSeriesChart.tsx';
import { formatUnit, unitOfName } from '../../../../shared/metrics/units.ts';
import { navigate } from '../../lib/router.ts';
import { SPARKLINE_MINUTES, sparklineWindow } from './queries.ts';
import { encodeRange } from '../metrics/time-range.ts';

const HEIGHT = 48;

/** The last 15 minutes of one series, kept current by the stream; a click opens the explorer. */
export function Sparkline({ series }: { series: Series }) {
  const api = useApi();
  const { ref, width } = useElementSize();
  const recent = useQuery(sparklineWindow(api, series));
  const data = recent.data?.series[0];
  const last = data?.values.at(-1);
  const labelText = Object.values(series.labels).join(' · ');
  const open = () => {
    const params = new URLSearchParams({ name: series.name, labels: Object.entries(series.labels).map(([k, v]) => `${k}=${v}`).join('|'), range: encodeRange({ kind: 'relative', minutes: 60 }) });
    navigate(`/metrics?${params.toString()}`);
  };
  return (
    <Paper withBorder radius="md" p="sm" component="button" onClick={open} style={{ textAlign: 'left', cursor: 'pointer', background: 'var(--mantine-color-body)' }} title="Open in the metrics explorer">
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="xs" fw={600} truncate>{series.name}</Text>
        {/* The name gives way (cut with "…"), the value never: "909 B/s" broke into two lines. */}
        <Text size="sm" fw={700} ff="monospace" data-testid="sparkline-value" style={{ flexShrink: 0, whiteSpace: 'nowrap' }}>{last === undefined ? '–' : formatUnit(last, unitOfName(series.name))}</Text>
      </Group>
      <Text size="xs" c="dimmed" truncate>{labelText || ' '}</Text>
      <div ref={ref} style={{ height: HEIGHT, marginTop: 4 }} data-testid="overview-sparkline" data-points={data?.timestamps.length ?? 0}>
        {data && width > 0 && <TimeSeriesChart series={[data]} width={width} height={HEIGHT} title={`${series.name} last ${SPARKLINE_MINUTES} minutes`} compact />}
        {recent.isError && <Text size="xs" c="red">{(recent.error as { code?: string }).code ?? 'error'}</Text>}
      </div>
    </Paper>
  );
}
