import { Code, Group, Paper, Text } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { SeriesData } from './series-data.ts';
import { useMemo } from 'react';
import { useApi } from '../../platform/PlatformContext.tsx';
import { TimeSeriesChart } from '../../components/chart/TimeSeriesChart.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { alertQueries } from '../alerts/queries.ts';
import { alertConcernsLabels, anomalyOverlay } from '../alerts/anomaly-overlay.ts';
import { metricsQueries } from './queries.ts';
import { pointsForWidth, resolveRange, type TimeRange } from './time-range.ts';
import { SeriesLegend } from './SeriesLegend.tsx';

export interface MetricsChartPanelProps {
  match: string;
  range: TimeRange;
  height?: number;
  onZoom?: (from: number, to: number) => void;
  title: string;
  /** Said after "No series matches …": why that may be (e.g. an alert about a host this server does not collect). */
  noSeriesHint?: string;
}

/** A chart of one selector over a range, with anomaly bands and markers, asking for one point per pixel. */
export function MetricsChartPanel({ match, range, height = 320, onZoom, title, noSeriesHint }: MetricsChartPanelProps) {
  const api = useApi();
  const { ref, width } = useElementSize();
  const maxPoints = pointsForWidth(width);
  const now = Date.now();
  const { from, to } = resolveRange(range, now);
  const ready = width > 0 && match !== '';
  // Relative ranges read a live window (extended by the stream); absolute ones a fixed range.
  // While a new range loads, the previous chart stays (dimmed) instead of a skeleton flash.
  const liveQuery = useQuery({ ...metricsQueries.liveWindow(api, match, range.kind === 'relative' ? range.minutes : 0, maxPoints), enabled: ready && range.kind === 'relative', placeholderData: keepPreviousData });
  const fixedQuery = useQuery({ ...metricsQueries.range(api, match, from, to, maxPoints), enabled: ready && range.kind === 'absolute', placeholderData: keepPreviousData });
  const dataQuery: UseQueryResult<{ series: SeriesData[] }> = range.kind === 'relative' ? liveQuery : fixedQuery;
  const anomalies = useQuery(alertQueries.anomaliesIn(api, from, to));
  const series = dataQuery.data?.series;
  const overlay = useMemo(() => {
    const relevant = (anomalies.data?.items ?? []).filter((alert) => (series ?? []).some((one) => alertConcernsLabels(alert, one.labels)));
    return anomalyOverlay(relevant, Date.now());
  }, [anomalies.data, series]);

  return (
    <Paper withBorder radius="md" p="sm">
      <div ref={ref} style={{ minHeight: height, opacity: dataQuery.isPlaceholderData ? 0.5 : 1, transition: 'opacity 150ms' }} aria-busy={dataQuery.isPlaceholderData}>
        {width > 0 && (
          <QueryState query={dataQuery} skeletonRows={6}>
            {(data) =>
              // Two different truths: nothing by that name at all, or nothing in this window.
              data.series.length === 0 ? (
                <EmptyState title="No series match" description={<>No series on this server matches <Code>{match}</Code>{noSeriesHint ? `. ${noSeriesHint}` : '.'}</>} />
              ) : data.series.every((one) => one.timestamps.length === 0) ? (
                <EmptyState title="No data in this range" description={`${data.series.length} series match, but none has samples here. Widen the range.`} />
              ) : (
              <TimeSeriesChart
                series={data.series}
                width={width}
                height={height}
                title={title}
                from={from}
                to={range.kind === 'relative' ? Math.max(to, ...data.series.map((one) => one.timestamps.at(-1) ?? 0)) : to}
                bands={overlay.bands}
                markers={overlay.markers}
                {...(onZoom ? { onBrush: onZoom } : {})}
              />
              )
            }
          </QueryState>
        )}
      </div>
      {series && series.length > 0 && (
        <Group justify="space-between" mt="xs" align="flex-start">
          <SeriesLegend series={series} />
          <Text size="xs" c="dimmed">{onZoom ? 'Drag across the chart to zoom' : ''}</Text>
        </Group>
      )}
    </Paper>
  );
}
