import { queryOptions } from '@tanstack/react-query';
import type { ApiClient } from '../../../../shared/api/client.ts';

/** The overview's own reads; alert and incident events invalidate them (live/apply-event.ts). */
export const overviewQueries = {
  firing: (api: ApiClient) => queryOptions({ queryKey: ['overview', 'firing'], queryFn: () => api.alerts.list({ state: 'firing,acknowledged', limit: 500, sort: 'severity', order: 'desc' }) }),
  incidents: (api: ApiClient) => queryOptions({ queryKey: ['overview', 'incidents'], queryFn: () => api.incidents.list({ status: 'open,mitigated', sort: 'lastActivityAt', order: 'desc', limit: 5 }) }),
  anomalous: (api: ApiClient) => queryOptions({ queryKey: ['overview', 'anomalous'], queryFn: () => api.alerts.list({ source: 'anomaly', state: 'firing,acknowledged', limit: 200 }) }),
};
