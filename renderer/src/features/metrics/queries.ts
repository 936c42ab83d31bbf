import { queryOptions } from '@tanstack/react-query';
import type { ApiClient } from '../../../../shared/api/client.ts';
import { LIVE_WINDOW_KEY, type LiveWindowData } from './live-samples.ts';

export const metricsQueries = {
  /** Every series the server knows (names and labels), for pickers and the palette. */
  series: (api: ApiClient) => queryOptions({ queryKey: ['metrics', 'series'], queryFn: () => api.metrics.series(), staleTime: 60_000 }),

  /** The series one selector matches, whatever the time range: is it on this server at all. */
  matching: (api: ApiClient, match: string) =>
    queryOptions({ queryKey: ['metrics', 'series', { match }], queryFn: () => api.metrics.series({ query: { match } }), staleTime: 60_000 }),

  /** A fixed range, e.g. after a zoom: not touched by the stream. */
  range: (api: ApiClient, match: string, from: number, to: number, maxPoints: number) =>
    queryOptions({
      queryKey: ['metrics', 'range', { match, from, to, maxPoints }],
      queryFn: () => api.metrics.range({ query: { match, from: Math.floor(from), to: Math.ceil(to), maxPoints } }),
      staleTime: Infinity,
    }),

  /**
   * "The last N minutes": fetched once, then extended in place by streamed samples
   * (live/apply-event.ts), so a live chart costs no polling.
   */
  liveWindow: (api: ApiClient, match: string, minutes: number, maxPoints: number) =>
    queryOptions({
      queryKey: [...LIVE_WINDOW_KEY, { match, minutes, maxPoints }],
      queryFn: async (): Promise<LiveWindowData> => {
        const to = Date.now();
        const windowMs = minutes * 60_000;
        const { series } = await api.metrics.range({ query: { match, from: to - windowMs, to, maxPoints } });
        return { windowMs, series };
      },
      staleTime: 5 * 60_000,
    }),

  latest: (api: ApiClient) => queryOptions({ queryKey: ['metrics', 'latest'], queryFn: () => api.metrics.latest(), refetchInterval: 30_000 }),
};
