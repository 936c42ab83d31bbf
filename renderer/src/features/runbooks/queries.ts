import { queryOptions } from '@tanstack/react-query';
import type { ApiClient } from '../../../../shared/api/client.ts';
import type { RunListQuery } from '../../../../shared/api/runbooks.ts';

/** Every key starts with `runbooks`: a `runbook_run` stream event marks them all stale. */
export const runbookQueries = {
  list: (api: ApiClient) => queryOptions({ queryKey: ['runbooks', 'list'], queryFn: () => api.runbooks.list() }),
  detail: (api: ApiClient, id: string) => queryOptions({ queryKey: ['runbooks', 'detail', id], queryFn: () => api.runbooks.get({ params: { id } }) }),
  runs: (api: ApiClient, query: RunListQuery) => queryOptions({ queryKey: ['runbooks', 'runs', query], queryFn: () => api.runbooks.runs({ query }) }),
  run: (api: ApiClient, id: number) => queryOptions({ queryKey: ['runbooks', 'run', id], queryFn: () => api.runbooks.getRun({ params: { id } }) }),
  suggestions: (api: ApiClient, incidentId: number) =>
    queryOptions({ queryKey: ['runbooks', 'suggestions', incidentId], queryFn: () => api.runbooks.suggestions({ query: { incidentId } }) }),
};

export const PENDING_APPROVAL_QUERY: RunListQuery = { state: 'pending_approval', limit: 200 };
