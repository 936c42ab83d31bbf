import type { QueryClient } from '@tanstack/react-query';
import type { SampleEventData } from '../../../../shared/api/stream.ts';
import type { SeriesData } from './series-data.ts';

/** Query keys of "the last N minutes" windows, which live samples extend in place. */
export const LIVE_WINDOW_KEY = ['metrics', 'live'] as const;

export interface LiveWindowData {
  /** Window length, ms: points older than now - windowMs are dropped as new ones arrive. */
  windowMs: number;
  series: SeriesData[];
}

/**
 * Appends streamed samples to every cached live window that shows their series, and
 * trims what scrolled out. Queries are updated immutably (only the touched series get new
 * arrays) so React re-renders exactly the charts that changed.
 */
export function applySamples(queryClient: QueryClient, samples: readonly SampleEventData[]): void {
  if (samples.length === 0) return;
  const bySeries = new Map<number, SampleEventData[]>();
  for (const sample of samples) {
    const list = bySeries.get(sample.seriesId);
    if (list) list.push(sample);
    else bySeries.set(sample.seriesId, [sample]);
  }
  queryClient.setQueriesData<LiveWindowData>({ queryKey: LIVE_WINDOW_KEY }, (data) => {
    if (!data) return data;
    let changed = false;
    const series = data.series.map((one) => {
      const incoming = bySeries.get(one.id);
      if (!incoming) return one;
      changed = true;
      return appendPoints(one, incoming, data.windowMs);
    });
    return changed ? { ...data, series } : data;
  });
}

export function appendPoints(series: SeriesData, samples: readonly SampleEventData[], windowMs: number): SeriesData {
  const timestamps = series.timestamps.slice();
  const values = series.values.slice();
  for (const sample of samples) {
    const last = timestamps.at(-1);
    // Replays after a reconnect may repeat points the query already returned.
    if (last !== undefined && sample.ts <= last) continue;
    timestamps.push(sample.ts);
    values.push(sample.value);
  }
  const newest = timestamps.at(-1) ?? 0;
  let drop = 0;
  while (drop < timestamps.length && (timestamps[drop] as number) < newest - windowMs) drop += 1;
  return { ...series, timestamps: timestamps.slice(drop), values: values.slice(drop) };
}
