import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { ApiClient } from '../../../../shared/api/client.ts';
import type { AuditQuery } from '../../../../shared/api/audit.ts';

export const adminQueries = {
  users: (api: ApiClient) => queryOptions({ queryKey: ['admin', 'users'], queryFn: () => api.users.list() }),
  /** Who is locked out of signing in now; a lock lifts on its own, so asked again every half minute. */
  userLockouts: (api: ApiClient) => queryOptions({ queryKey: ['admin', 'user-lockouts'], queryFn: () => api.userLockouts.list(), refetchInterval: 30_000 }),
  apiKeys: (api: ApiClient) => queryOptions({ queryKey: ['admin', 'api-keys'], queryFn: () => api.apiKeys.list() }),
  rules: (api: ApiClient) => queryOptions({ queryKey: ['admin', 'alert-rules'], queryFn: () => api.alertRules.list() }),
  webhooks: (api: ApiClient) => queryOptions({ queryKey: ['admin', 'webhooks'], queryFn: () => api.webhooks.list() }),
  deliveries: (api: ApiClient, id: number) => queryOptions({ queryKey: ['admin', 'webhooks', id, 'deliveries'], queryFn: () => api.webhooks.deliveries({ params: { id }, query: { limit: 50 } }) }),
  /** Every model of every target (candidates, active, retired), for the models page. */
  anomalyModels: (api: ApiClient) => queryOptions({ queryKey: ['anomalies', 'models'], queryFn: () => api.anomaly.models({ query: {} }) }),
  incidentGrouping: (api: ApiClient) => queryOptions({ queryKey: ['admin', 'incident-grouping'], queryFn: () => api.incidentGrouping.get() }),
  datasources: (api: ApiClient) => queryOptions({ queryKey: ['datasources', 'admin'], queryFn: () => api.datasources.list() }),
  /** Newest first; each page asks for entries older than the last one seen. */
  audit: (api: ApiClient, filters: Omit<AuditQuery, 'before' | 'limit'>) =>
    infiniteQueryOptions({
      queryKey: ['admin', 'audit', filters],
      queryFn: ({ pageParam }) => api.audit.list({ query: { ...filters, limit: 100, ...(pageParam ? { before: pageParam } : {}) } }),
      initialPageParam: 0,
      getNextPageParam: (page) => page.nextBefore ?? undefined,
    }),
};
