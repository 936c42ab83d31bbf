import { queryOptions, type QueryClient } from '@tanstack/react-query';
import type { ApiClient } from '../../../../shared/api/client.ts';
import type { Series } from '../../../../shared/api/metrics.ts';
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
  /** Model progress per target; no stream event tells of it, so it is polled. */
  training: (api: ApiClient) => queryOptions({ queryKey: ['overview', 'training'], queryFn: () => api.anomaly.training(), refetchInterval: 30_000 }),
};

/** The live window behind one overview sparkline. */
export function sparklineWindow(api: ApiClient, series: Pick<Series, 'name' | 'labels'>) {
  return metricsQueries.liveWindow(api, buildSelector(series.name, series.labels), SPARKLINE_MINUTES, SPARKLINE_POINTS);
}

/**
 * Starts the overview's reads as soon as the session is known, before the shell renders,
 * and chains the sparkline windows onto the series list: the first screen after sign-in is
 * the one an on-call engineer waits for.
 */
export function prefetchOverview(queryClient: QueryClient, api: ApiClient): void {
  void queryClient.prefetchQuery(overviewQueries.firing(api));
  void queryClient.prefetchQuery(overviewQueries.incidents(api));
  void queryClient.prefetchQuery(overviewQueries.anomalous(api));
  void queryClient.prefetchQuery(overviewQueries.fleet(api));
  void queryClient.fetchQuery(metricsQueries.series(api)).then(
    ({ series }) => Promise.all(featuredSeries(series).map((one) => queryClient.prefetchQuery(sparklineWindow(api, one)))),
    () => undefined,
  );
}
