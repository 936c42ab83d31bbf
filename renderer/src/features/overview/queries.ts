import { infiniteQueryOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import type { ApiClient } from '../../../../shared/api/client.ts';
import type { Series } from '../../../../shared/api/metrics.ts';
import type { SessionSnapshot } from '../../platform/types.ts';
import { metricsQueries } from '../metrics/queries.ts';
import { buildSelector } from '../metrics/selector.ts';
import { featuredSeries } from './summaries.ts';

export const SPARKLINE_MINUTES = 15;
/** A sparkline is a few hundred pixels wide at most. */
const SPARKLINE_POINTS = 300;

/** The overview's own reads; alert and incident events invalidate them (live/apply-event.ts). */
export const overviewQueries = {
  firing: (api: ApiClient) => queryOptions({ queryKey: ['overview', 'firing'], queryFn: () => api.alerts.list({ query: { state: 'firing,acknowledged', limit: 500, sort: 'severity', order: 'desc' } }) }),
  incidents: (api: ApiClient) => queryOptions({ queryKey: ['overview', 'incidents'], queryFn: () => api.incidents.list({ query: { status: 'open,mitigated', sort: 'lastActivityAt', order: 'desc', limit: 5 } }) }),
  anomalous: (api: ApiClient) => queryOptions({ queryKey: ['overview', 'anomalous'], queryFn: () => api.alerts.list({ query: { source: 'anomaly', state: 'firing,acknowledged', limit: 200 } }) }),
  /**
   * Fleet health from the server's one inventory. Alert events invalidate it; a target going
   * silent is news no event carries, so it is also polled.
   */
  fleet: (api: ApiClient) => queryOptions({ queryKey: ['overview', 'fleet'], queryFn: () => api.fleet.health(), refetchInterval: 30_000 }),
  /** The fleet drawer's further pages, from `offset` (the first page's `nextOffset`) on. */
  fleetPages: (api: ApiClient, offset: number) =>
    infiniteQueryOptions({
      queryKey: ['overview', 'fleet', 'pages', offset],
      queryFn: ({ pageParam }) => api.fleet.health({ query: { offset: pageParam } }),
      initialPageParam: offset,
      getNextPageParam: (page) => page.nextOffset ?? undefined,
    }),
  /** Model progress per target; no stream event tells of it, so it is polled. */
  training: (api: ApiClient) => queryOptions({ queryKey: ['overview', 'training'], queryFn: () => api.anomaly.training(), refetchInterval: 30_000 }),
};

/** The live window behind one overview sparkline. */
export function sparklineWindow(api: ApiClient, series: Pick<Series, 'name' | 'labels'>) {
  return metricsQueries.liveWindow(api, buildSelector(series.name, series.labels), SPARKLINE_MINUTES, SPARKLINE_POINTS);
}

/**
 * Starts the overview's reads as soon as the session is known, before the shell renders:
 * the first screen after sign-in is the one an on-call engineer waits for. The series list
 * and the featured sparklines' windows come in one request (`GET /metrics/overview`)
 * rather than a list, then a range query per sparkline once the list has been handled
 * (which, with the shell rendering meanwhile, cost a round trip and a few hundred ms of a
 * busy main thread). The windows land in the cache before the list does, so every
 * sparkline mounts with its data. A server without that route (or a desktop offline)
 * falls back to the list, then the windows.
 */
export function prefetchOverview(queryClient: QueryClient, api: ApiClient): void {
  void queryClient.prefetchQuery(overviewQueries.firing(api));
  void queryClient.prefetchQuery(overviewQueries.incidents(api));
  void queryClient.prefetchQuery(overviewQueries.anomalous(api));
  void queryClient.prefetchQuery(overviewQueries.fleet(api));
  void queryClient.prefetchQuery(overviewQueries.training(api));
  const seriesQuery = metricsQueries.series(api);
  // Known already (back on the overview): refresh the list if stale, then its windows.
  if (queryClient.getQueryData(seriesQuery.queryKey)) {
    void queryClient.prefetchQuery(seriesQuery).then(() => prefetchWindows(queryClient, api));
    return;
  }
  void queryClient.prefetchQuery({
    ...seriesQuery,
    queryFn: async () => {
      try {
        const first = await api.metrics.overview({ query: { minutes: SPARKLINE_MINUTES, maxPoints: SPARKLINE_POINTS } });
        const windowMs = first.to - first.from;
        for (const window of first.windows) {
          const key = metricsQueries.liveWindow(api, window.match, SPARKLINE_MINUTES, SPARKLINE_POINTS).queryKey;
          queryClient.setQueryData(key, { windowMs, series: window.series });
        }
        return { series: first.series };
      } catch {
        const list = await api.metrics.series();
        void prefetchWindows(queryClient, api, list.series);
        return list;
      }
    },
  });
}

/** The old way round: a range query per featured series of the list. */
async function prefetchWindows(queryClient: QueryClient, api: ApiClient, series?: readonly Series[]): Promise<void> {
  const list = series ?? queryClient.getQueryData(metricsQueries.series(api).queryKey)?.series ?? [];
  await Promise.all(featuredSeries(list).map((one) => queryClient.prefetchQuery(sparklineWindow(api, one))));
}

/** On a session that lands on the overview (signed in, no password to choose), starts its reads. */
export function prefetchLanding(queryClient: QueryClient, api: ApiClient, session: SessionSnapshot, path: string): void {
  if (session.state === 'signed-in' && !session.user.mustChangePassword && path === '/') prefetchOverview(queryClient, api);
}
