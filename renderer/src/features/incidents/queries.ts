import { queryOptions } from '@tanstack/react-query';
import type { ApiClient } from '../../../../shared/api/client.ts';
import type { IncidentBundle, IncidentListQuery } from '../../../../shared/api/incidents.ts';

export const incidentQueries = {
  list: (api: ApiClient, query: IncidentListQuery) => queryOptions({ queryKey: ['incidents', 'list', query], queryFn: () => api.incidents.list({ query }) }),
  detail: (api: ApiClient, id: number) => queryOptions({ queryKey: ['incidents', 'detail', id], queryFn: () => api.incidents.get({ params: { id } }) }),
  timeline: (api: ApiClient, id: number) => queryOptions({ queryKey: ['incidents', 'timeline', id], queryFn: () => api.incidents.timeline({ params: { id } }) }),
  /** The export bundle says which metrics belong to the incident (window and selectors). */
  bundle: (api: ApiClient, id: number) =>
    queryOptions({ queryKey: ['incidents', 'bundle', id], queryFn: () => api.incidents.export({ params: { id }, query: { format: 'json' } }) as Promise<IncidentBundle>, staleTime: 60_000 }),
};
