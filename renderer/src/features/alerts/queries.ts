import { queryOptions } from '@tanstack/react-query';
import type { ApiClient } from '../../../../shared/api/client.ts';
import type { AlertListQuery, SilenceListQuery } from '../../../../shared/api/alerts.ts';

export const alertQueries = {
  list: (api: ApiClient, query: AlertListQuery) => queryOptions({ queryKey: ['alerts', 'list', query], queryFn: () => api.alerts.list({ query }) }),
  /** Everything the alert drawer shows: the alert, its history, the silences that match it. */
  detail: (api: ApiClient, id: number) => queryOptions({ queryKey: ['alerts', 'detail', id], queryFn: () => api.alerts.detail({ params: { id } }) }),
  history: (api: ApiClient, id: number) => queryOptions({ queryKey: ['alerts', 'history', id], queryFn: () => api.alerts.history({ params: { id } }) }),
  /** Anomaly alerts in a window: drawn as bands and markers on charts. */
  anomaliesIn: (api: ApiClient, from: number, to: number) =>
    queryOptions({
      queryKey: ['alerts', 'anomalies-in', { from: Math.floor(from / 60_000), to: Math.ceil(to / 60_000) }],
      queryFn: () => api.alerts.list({ query: { source: 'anomaly', from: Math.floor(from), to: Math.ceil(to), limit: 500, sort: 'startsAt', order: 'asc' } }),
    }),
  silences: (api: ApiClient, query: SilenceListQuery) => queryOptions({ queryKey: ['alerts', 'silences', query], queryFn: () => api.silences.list({ query }) }),
};
