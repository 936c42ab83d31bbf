import { queryOptions } from '@tanstack/react-query';
import type { ApiClient } from '../../../../shared/api/client.ts';

export const anomalyQueries = {
  /** Anomaly events (the engine's findings with their explanation), newest first. */
  events: (api: ApiClient, target: string | undefined, limit = 50) =>
    queryOptions({ queryKey: ['anomalies', 'events', { target, limit }], queryFn: () => api.anomaly.events({ query: { ...(target ? { target } : {}), limit } }) }),
  status: (api: ApiClient) => queryOptions({ queryKey: ['anomalies', 'status'], queryFn: () => api.anomaly.status(), staleTime: 60_000 }),
};
